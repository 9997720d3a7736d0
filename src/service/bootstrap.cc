#include "service/bootstrap.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/access_admin.h"

namespace terrane::service {

absl::Status WritePrivateFile(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot create ", tmp, ": ", std::strerror(errno)));
  }
  ssize_t written = ::write(fd, content.data(), content.size());
  bool ok = written == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> BootstrapIfEmpty(storage::Store& store,
                                                            const std::string& data_dir,
                                                            int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(bool exists, store.AccountExists(kDefaultAccount));
  if (exists) return std::nullopt;
  TERRANE_RETURN_IF_ERROR(store.CreateAccount(kDefaultAccount, now));
  TERRANE_RETURN_IF_ERROR(store.CreateOrg(model::Org{.account = kDefaultAccount,
                                                     .identifier = "default",
                                                     .name = "default",
                                                     .created = now,
                                                     .updated = now}));
  TERRANE_RETURN_IF_ERROR(store.CreateProject(model::Project{.account = kDefaultAccount,
                                                             .org = "default",
                                                             .identifier = "default",
                                                             .name = "default",
                                                             .created = now,
                                                             .updated = now}));
  TERRANE_ASSIGN_OR_RETURN(IssuedKey key, IssueKeyWithRole(store,
                                                           KeyWithRole{.account = kDefaultAccount,
                                                                       .principal = "admin",
                                                                       .key_name = "admin",
                                                                       .role = "admin"},
                                                           now));
  TERRANE_RETURN_IF_ERROR(
      WritePrivateFile(absl::StrCat(data_dir, "/", kAdminKeyFile), key.secret + "\n"));
  return key.secret;
}

}  // namespace terrane::service
