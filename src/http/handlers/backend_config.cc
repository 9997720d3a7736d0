#include "http/handlers/backend_config.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"

namespace terrane::http::handlers {

BackendSettings BackendConfigFor(const Request& req, const model::WorkspaceKey& key) {
  std::string host(req.Header("host").value_or(""));
  // The Host header is client-controlled and ends up in generated configuration: accept only
  // host[:port] characters.
  bool plain = !host.empty() && host.find_first_not_of(
                                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789.-:[]") == std::string::npos;
  if (!plain) host = "127.0.0.1:8080";
  std::string path =
      absl::StrCat("http://", host, "/iacm/api/orgs/", key.org, "/projects/", key.project,
                   "/workspaces/", key.identifier, "/terraform-backend");
  std::string query = absl::StrCat("?accountIdentifier=", key.account);
  return BackendSettings{.address = path + query,
                         .lock_address = absl::StrCat(path, "/lock", query),
                         .unlock_address = absl::StrCat(path, "/lock", query)};
}

boost::json::object BackendConfigJson(const BackendSettings& s, boost::json::storage_ptr sp) {
  return boost::json::object({{"address", s.address},
                              {"lock_address", s.lock_address},
                              {"unlock_address", s.unlock_address},
                              {"lock_method", "POST"},
                              {"unlock_method", "DELETE"},
                              {"username", "harness"}},
                             std::move(sp));
}

std::string BackendConfigHcl(const BackendSettings& s) {
  return absl::Substitute(
      R"(# Paste into your configuration, then set the API key and run `terraform init`:
#   export TF_HTTP_PASSWORD=<your Terrane API key>
terraform {
  backend "http" {
    address        = "$0"
    lock_address   = "$1"
    unlock_address = "$2"
    lock_method    = "POST"
    unlock_method  = "DELETE"
    username       = "harness"
  }
}
)",
      s.address, s.lock_address, s.unlock_address);
}

}  // namespace terrane::http::handlers
