// The workspace list query (iacm-api.md §5.1). Runs inside the caller's read transaction.
#pragma once

#include "absl/status/statusor.h"
#include "model/workspace.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

// One page and the total number of matches. Pages walk the (project_id, name|updated,
// identifier) index from whichever end is nearer, so no page sorts and none skips more than
// half the matches; an unfiltered total is a stored counter. Ties break on identifier, in the
// sort's direction. Searches, status and tag filters test each of the project's workspaces.
// InvalidArgument for limit outside 1..1000 or page < 1; NotFound for an unknown project.
absl::StatusOr<model::WorkspacePage> ListWorkspaces(Connection& conn,
                                                    const model::WorkspaceQuery& q);

}  // namespace terrane::storage::sqlite::internal
