#include "server/master_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/random.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::server {
namespace {

// A key file is one base64 line; anything much longer is not a key file.
constexpr size_t kMaxKeyFileBytes = 1024;

// Overwrites `text` before it is freed: it held key material.
struct Wiped {
  std::string text;
  ~Wiped() { OPENSSL_cleanse(text.data(), text.size()); }
};

absl::StatusOr<MasterKey> DecodeKey(std::string_view text, std::string_view where) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  std::optional<std::string> bytes = Base64Decode(text);
  if (!bytes.has_value()) {
    return absl::FailedPreconditionError(Cat(
        "the master key in ", where,
        " is not standard base64; it must be base64 of 32 random bytes (openssl rand -base64 32)"));
  }
  Wiped wiped{*std::move(bytes)};
  if (wiped.text.size() != MasterKey::kSize) {
    return absl::FailedPreconditionError(Cat("the master key in ", where, " must be base64 of ",
                                             MasterKey::kSize, " bytes, got ", wiped.text.size(),
                                             " bytes"));
  }
  return MasterKey::FromBytes(wiped.text);
}

// Reads a key file after checking it is a regular file only its owner can access.
absl::StatusOr<MasterKey> ReadKeyFile(const std::string& path, std::string_view what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        Cat("cannot read the master key file ", path, " (", what, "): ", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(
        Cat("the master key file ", path, " is not a regular file"));
  }
  const unsigned mode = st.st_mode & 0777;
  if ((mode & 077) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        Cat("the master key file ", path, " has mode 0", (mode >> 6) & 7, (mode >> 3) & 7, mode & 7,
            ": group and others must have no access; run `chmod 600 ", path, "` and start again"));
  }
  Wiped content{std::string(kMaxKeyFileBytes + 1, '\0')};
  ssize_t n = ::read(fd, content.text.data(), content.text.size());
  int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    return absl::FailedPreconditionError(
        Cat("cannot read the master key file ", path, ": ", std::strerror(read_errno)));
  }
  if (static_cast<size_t>(n) > kMaxKeyFileBytes) {
    return absl::FailedPreconditionError(Cat(
        "the master key file ", path, " is too large to be a key: it must hold one base64 line"));
  }
  return DecodeKey(std::string_view(content.text).substr(0, static_cast<size_t>(n)), path);
}

absl::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::InternalError(std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

// Writes a fresh key to a private temp file and links it to `path`. False when `path` already
// existed (another process won the race); the caller then reads that one.
absl::StatusOr<bool> CreateKeyFile(const std::string& path, const MasterKey& key) {
  const std::string tmp = Cat(path, ".tmp-", RandomHex(8));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(
        Cat("cannot create the master key file ", tmp, ": ", std::strerror(errno)));
  }
  Wiped line{key.ToBase64() + "\n"};
  // fchmod: the umask may have removed owner bits from 0600.
  absl::Status written =
      ::fchmod(fd, 0600) == 0 ? WriteAll(fd, line.text) : absl::InternalError(std::strerror(errno));
  if (written.ok() && ::fsync(fd) != 0) written = absl::InternalError(std::strerror(errno));
  ::close(fd);
  bool linked = false;
  if (written.ok()) {
    if (::link(tmp.c_str(), path.c_str()) == 0) {
      linked = true;
    } else if (errno != EEXIST) {
      written = absl::InternalError(std::strerror(errno));
    }
  }
  ::unlink(tmp.c_str());
  if (!written.ok()) {
    return absl::InternalError(
        Cat("cannot write the master key file ", path, ": ", written.message()));
  }
  return linked;
}

absl::StatusOr<std::optional<MasterKey>> ReadKeyFileIfPresent(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return std::optional<MasterKey>();
  TERRANE_ASSIGN_OR_RETURN(MasterKey key, ReadKeyFile(path, "a master key file"));
  return std::optional<MasterKey>(std::move(key));
}

absl::StatusOr<std::vector<MasterKey>> ReadKeyFiles(const std::string& path) {
  std::vector<MasterKey> keys;
  // The next key first: a finishing rotation renames it over `path`, so reading in this order
  // finds the new key in one of the two files.
  TERRANE_ASSIGN_OR_RETURN(std::optional<MasterKey> next,
                           ReadKeyFileIfPresent(Cat(path, kNextKeySuffix)));
  TERRANE_ASSIGN_OR_RETURN(MasterKey current, ReadKeyFile(path, "the master key file"));
  keys.push_back(std::move(current));
  if (next.has_value()) keys.push_back(*std::move(next));
  return keys;
}

absl::StatusOr<LoadedMasterKey> LoadMasterKey(const MasterKeySource& source) {
  if (!source.key_file.empty()) {
    TERRANE_ASSIGN_OR_RETURN(MasterKey key, ReadKeyFile(source.key_file, "--master-key-file"));
    TERRANE_ASSIGN_OR_RETURN(std::optional<MasterKey> next,
                             ReadKeyFileIfPresent(Cat(source.key_file, kNextKeySuffix)));
    return LoadedMasterKey{.key = std::move(key),
                           .origin = Cat("--master-key-file ", source.key_file),
                           .path = source.key_file,
                           .next = std::move(next)};
  }
  if (source.env_value.has_value()) {
    if (source.env_value->empty()) {
      return absl::FailedPreconditionError(Cat(kMasterKeyEnv, " is set but empty: unset it to use ",
                                               source.data_dir, "/", kMasterKeyFile,
                                               ", or set it to base64 of 32 random bytes"));
    }
    TERRANE_ASSIGN_OR_RETURN(MasterKey key, DecodeKey(*source.env_value, Cat("$", kMasterKeyEnv)));
    return LoadedMasterKey{.key = std::move(key), .origin = kMasterKeyEnv};
  }
  const std::string path = Cat(source.data_dir, "/", kMasterKeyFile);
  struct stat st {};
  bool created = false;
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
    TERRANE_ASSIGN_OR_RETURN(created, CreateKeyFile(path, MasterKey::Generate()));
  }
  // Read back even a key written just now, so what is used is exactly what is on disk.
  TERRANE_ASSIGN_OR_RETURN(MasterKey key, ReadKeyFile(path, "the data directory's key"));
  TERRANE_ASSIGN_OR_RETURN(std::optional<MasterKey> next,
                           ReadKeyFileIfPresent(Cat(path, kNextKeySuffix)));
  return LoadedMasterKey{.key = std::move(key),
                         .origin = path,
                         .created = created,
                         .path = path,
                         .next = std::move(next)};
}

}  // namespace terrane::server
