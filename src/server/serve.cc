#include "server/serve.h"

#include <signal.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/master_key_ring.h"
#include "http/handlers/api.h"
#include "http/server.h"
#include "runner/executor.h"
#include "runner/job_runner.h"
#include "runner/process.h"
#include "server/data_dir.h"
#include "server/master_key.h"
#include "service/auth.h"
#include "service/bootstrap.h"
#include "service/request_limiter.h"
#include "service/secrets.h"

namespace terrane::server {

bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  std::string_view p(listen);
  p.remove_prefix(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || p.empty() || value > 65535) return false;
  *host = h;
  *port = static_cast<uint16_t>(value);
  return true;
}

namespace {

// --threads: 0 means one per CPU, at least 2 (a handler blocked on a commit leaves another).
int WorkerThreads(int requested) {
  if (requested > 0) return requested;
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

// The master key from the configured source; says so when a new key file was written.
absl::StatusOr<LoadedMasterKey> LoadServeMasterKey(const ServeOptions& options) {
  const char* env_key = std::getenv(kMasterKeyEnv);
  absl::StatusOr<LoadedMasterKey> loaded = LoadMasterKey(
      {.key_file = options.master_key_file,
       .env_value = env_key != nullptr ? std::optional<std::string>(env_key) : std::nullopt,
       .data_dir = options.data_dir});
  if (!loaded.ok()) return loaded;
  if (loaded->created) {
    std::cout << "created the secret store's master key " << loaded->origin
              << " (mode 0600): back it up; stored secrets cannot be decrypted without it"
              << std::endl;
  }
  TERRANE_LOG(info, "server", "master key from {}", loaded->origin);
  return loaded;
}

// The ring of keys secrets are sealed with: the loaded key, the next one of an unfinished
// rotation, and the database's sealing key among them (else the key file is not the current
// one, and starting would seal new values with a key the other secrets do not use).
absl::StatusOr<std::unique_ptr<MasterKeyRing>> MakeKeyRing(storage::Store& store,
                                                            const LoadedMasterKey& loaded) {
  std::vector<MasterKey> keys = {loaded.key};
  if (loaded.next.has_value()) keys.push_back(*loaded.next);
  absl::StatusOr<std::string> sealing = store.InitSealingKeyId(loaded.key.Id());
  if (!sealing.ok()) return sealing.status();
  if (*sealing != loaded.key.Id() && (!loaded.next.has_value() || *sealing != loaded.next->Id())) {
    // Another key is recorded, but when no stored value needs it (no secrets yet, say, and a
    // key file deleted on purpose) the loaded key simply takes over.
    absl::StatusOr<std::vector<storage::StoredSecret>> others =
        store.ListSecretsSealedWithOtherKey(loaded.key.Id(), 1);
    if (!others.ok()) return others.status();
    if (others->empty()) {
      if (absl::Status set = store.SetSealingKeyId(loaded.key.Id()); !set.ok()) return set;
      *sealing = loaded.key.Id();
    }
  }
  MasterKeyRing::Loader loader;
  if (!loaded.path.empty()) {
    loader = [path = loaded.path] { return ReadKeyFiles(path); };
  }
  absl::StatusOr<std::unique_ptr<MasterKeyRing>> ring =
      MasterKeyRing::Create(std::move(keys), *sealing, std::move(loader));
  if (!ring.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the stored secrets are sealed with master key ", *sealing, ", but ",
                     loaded.origin, " holds key ", loaded.key.Id(),
                     ": start with the key file that is current since the last "
                     "`terrane admin rotate-master-key` (an old key decrypts nothing)"));
  }
  TERRANE_LOG(info, "server", "secrets sealed with master key {}", *sealing);
  return ring;
}

// DATA_DIR/runs as an absolute path: git and terraform run with their working directory inside
// a run's own directory, where a relative `--data-dir` (`./data` of `make run`) names nothing.
std::string RunsDir(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(data_dir, ec);
  if (ec) dir = data_dir;  // no working directory: keep the path as given
  return (dir / "runs").lexically_normal().string();
}

}  // namespace

int RunServe(const ServeOptions& options) {
  log::SetLevel(options.log_level);
  std::string host;
  uint16_t port = 0;
  if (!SplitHostPort(options.listen, &host, &port)) {
    std::cerr << "terrane: --listen must be HOST:PORT, got '" << options.listen << "'\n";
    return 2;
  }
  SystemClock clock;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenDataDir(options.data_dir);
  if (!store.ok()) {
    std::cerr << "terrane: " << store.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<LoadedMasterKey> master_key = LoadServeMasterKey(options);
  if (!master_key.ok()) {
    std::cerr << "terrane: " << master_key.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<MasterKeyRing>> keys = MakeKeyRing(**store, *master_key);
  if (!keys.ok()) {
    std::cerr << "terrane: " << keys.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::optional<std::string>> key =
      service::BootstrapIfEmpty(**store, options.data_dir, clock.NowMillis());
  if (!key.ok()) {
    std::cerr << "terrane: cannot set up " << options.data_dir << ": " << key.status().message()
              << "\n";
    return 1;
  }
  if (key->has_value()) {
    std::cout << "created account 'default', org 'default', project 'default'\n"
              << "admin API key (shown once; also in " << options.data_dir << "/"
              << service::kAdminKeyFile << "): " << **key << std::endl;
  }

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  service::Authenticator auth(**store, clock);
  service::RequestLimiter limiter({.key_rate = options.rate_limit,
                                   .key_burst = options.rate_burst,
                                   .auth_failure_rate = options.auth_failure_rate,
                                   .auth_failure_burst = options.auth_failure_burst});
  auth.set_limiter(&limiter);
  const char* path = std::getenv("PATH");
  runner::RunnerOptions run_options{
      .work_root = RunsDir(options.data_dir),
      .path = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin",
      .terraform_binary = options.terraform_binary,
      .tofu_binary = options.tofu_binary,
      .limits = {.timeout = std::chrono::seconds(options.step_timeout_seconds),
                 .grace = std::chrono::seconds(options.cancel_grace_seconds)},
      .approval_timeout = std::chrono::seconds(options.approval_timeout_seconds),
      .max_concurrent = options.max_concurrent_runs};
  runner::PosixProcessLauncher launcher;
  runner::LogHub hub;
  MasterKeyRing& key_ring = **keys;
  runner::SecretResolver secrets = [&store = **store, &key_ring](
                                       const model::WorkspaceKey& ws,
                                       const std::vector<std::string>& refs) {
    return service::ResolveSecretReferences(store, key_ring, ws, refs);
  };
  runner::RunExecutor executor(**store, clock, launcher, auth, hub, secrets, run_options);
  runner::JobRunner jobs(**store, clock, executor, hub, run_options);
  http::Router router;
  http::AnswerCache answers;
  http::ApiDeps deps{.store = **store,
                     .clock = clock,
                     .auth = auth,
                     .master_key = key_ring,
                     .max_state_bytes = options.max_state_bytes,
                     .runner = &jobs,
                     .answers = &answers};
  http::RegisterApiRoutes(router, deps);
  http::Server server(
      http::ServerOptions{.host = host,
                          .port = port,
                          .threads = WorkerThreads(options.threads),
                          .max_connections = options.max_connections,
                          .max_connections_per_address = options.max_connections_per_address,
                          .max_header_bytes = options.max_header_bytes,
                          .max_body_bytes = options.max_body_bytes,
                          .header_timeout = std::chrono::seconds(options.header_timeout_seconds),
                          .io_timeout = std::chrono::seconds(options.io_timeout_seconds),
                          .idle_timeout = std::chrono::seconds(options.idle_timeout_seconds)},
      router);
  absl::StatusOr<uint16_t> bound = server.Start();
  if (!bound.ok()) {
    std::cerr << "terrane: " << bound.status().message() << "\n";
    return 1;
  }
  bool v6 = host.find(':') != std::string::npos;
  // Runs reach this server's state backend over loopback when it listens on every address.
  std::string reach = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host;
  bool reach_v6 = reach.find(':') != std::string::npos;
  run_options.server_url = "http://" + (reach_v6 ? "[" + reach + "]" : reach) + ":" +
                           std::to_string(*bound);
  if (absl::Status started = jobs.Start(); !started.ok()) {
    std::cerr << "terrane: " << started.message() << "\n";
    server.Stop();
    return 1;
  }
  std::cout << "listening on http://" << (v6 ? "[" + host + "]" : host) << ":" << *bound
            << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  TERRANE_LOG(info, "server", "signal {} received, shutting down", sig);
  // Runs first: an interrupted terraform still writes its state through the server.
  jobs.Stop();
  server.Stop();
  return 0;
}

}  // namespace terrane::server
