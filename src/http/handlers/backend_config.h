// The terraform `http` backend settings for a workspace, as Harness' UI generates them
// (iacm-api.md §5.7): lock with POST, unlock with DELETE, username `harness`, the API key as
// TF_HTTP_PASSWORD.
#pragma once

#include <string>

#include "boost/json/object.hpp"
#include "http/message.h"
#include "model/workspace.h"

namespace terrane::http::handlers {

struct BackendSettings {
  std::string address;
  std::string lock_address;
  std::string unlock_address;
};

// Addresses built from the request's Host header (the address the client reached us at).
BackendSettings BackendConfigFor(const Request& req, const model::WorkspaceKey& key);

// Allocates from `sp` (default: the default resource).
boost::json::object BackendConfigJson(const BackendSettings& s, boost::json::storage_ptr sp = {});

// A ready-to-paste `terraform { backend "http" { ... } }` block.
std::string BackendConfigHcl(const BackendSettings& s);

}  // namespace terrane::http::handlers
