// The audit trail's table. Each function runs inside the caller's transaction and follows the
// contract of the matching storage::Store method.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "model/audit.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

absl::StatusOr<int64_t> AppendAuditRecord(Connection& conn, const model::AuditRecord& record);
absl::StatusOr<std::vector<model::AuditRecord>> ListAuditRecords(Connection& conn,
                                                                 const model::AuditQuery& q,
                                                                 int64_t* total);
absl::StatusOr<int64_t> PruneAuditRecords(Connection& conn, int64_t before);

}  // namespace terrane::storage::sqlite::internal
