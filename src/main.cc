// The `terrane` binary: wires subcommands to modules and nothing else.
#include <iostream>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/cli.h"
#include "server/admin.h"
#include "server/serve.h"

#ifndef TERRANE_VERSION
#define TERRANE_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"Terrane: a self-hosted Infrastructure-as-Code management server and its client"};
  app.require_subcommand(1);

  terrane::server::ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the API server and state backend");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (port 0 = any free)")
      ->capture_default_str();
  serve_cmd->add_option("--data-dir", serve.data_dir, "Directory holding the database")
      ->capture_default_str();
  serve_cmd
      ->add_option("--master-key-file", serve.master_key_file,
                   "File holding the secret store's master key (base64 of 32 bytes, mode 0600); "
                   "default: $TERRANE_MASTER_KEY, else DATA_DIR/master.key (created if missing)");
  serve_cmd
      ->add_option("--max-state-bytes", serve.max_state_bytes,
                   "Largest accepted state body; larger writes get 413")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 40));
  serve_cmd
      ->add_option("--threads", serve.threads, "HTTP worker threads; 0 = one per CPU (at least 2)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  serve_cmd->add_option("--log-level", serve.log_level, "debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  serve_cmd->add_option("--max-concurrent-runs", serve.max_concurrent_runs,
                        "Runs executing at once on this server")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve_cmd->add_option("--terraform-binary", serve.terraform_binary,
                        "terraform executable (a name looked up on PATH, or a path)")
      ->capture_default_str();
  serve_cmd->add_option("--tofu-binary", serve.tofu_binary,
                        "OpenTofu executable for workspaces with provisioner opentofu")
      ->capture_default_str();
  serve_cmd->add_option("--step-timeout", serve.step_timeout_seconds,
                        "Seconds one run step may take before it is stopped")
      ->capture_default_str()
      ->check(CLI::Range(1, 7 * 24 * 3600));
  serve_cmd->add_option("--approval-timeout", serve.approval_timeout_seconds,
                        "Seconds a run waits for approval before it fails")
      ->capture_default_str()
      ->check(CLI::Range(1, 7 * 24 * 3600));
  serve_cmd->add_option("--cancel-grace", serve.cancel_grace_seconds,
                        "Seconds between interrupting terraform and killing it on cancel")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  serve_cmd->add_option("--rate-limit", serve.rate_limit,
                        "Requests per second allowed per API key (0 = unlimited); more get 429")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  serve_cmd->add_option("--rate-burst", serve.rate_burst,
                        "Requests an API key may send at once before --rate-limit applies")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  serve_cmd->add_option("--auth-failure-rate", serve.auth_failure_rate,
                        "Failed authentications per second allowed per remote address (0 = "
                        "unlimited); more get 429")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  serve_cmd->add_option("--auth-failure-burst", serve.auth_failure_burst,
                        "Failed authentications a remote address may have at once")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  serve_cmd->add_option("--max-connections", serve.max_connections,
                        "Open connections in total; more are answered 503 and closed")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  serve_cmd->add_option("--max-connections-per-address", serve.max_connections_per_address,
                        "Open connections per remote address; more are answered 429 and closed")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  serve_cmd->add_option("--max-header-bytes", serve.max_header_bytes,
                        "Largest request line plus headers; larger get 431")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1024}, size_t{16} << 20));
  serve_cmd->add_option("--max-body-bytes", serve.max_body_bytes,
                        "Largest body on routes other than state writes; larger get 413")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1024}, size_t{1} << 40));
  serve_cmd->add_option("--header-timeout", serve.header_timeout_seconds,
                        "Seconds a new connection has to send its whole first request header")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve_cmd->add_option("--io-timeout", serve.io_timeout_seconds,
                        "Seconds without progress while a body is read or a response written")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve_cmd->add_option("--idle-timeout", serve.idle_timeout_seconds,
                        "Seconds a kept-alive connection may take to send its next request header")
      ->capture_default_str()
      ->check(CLI::Range(1, 24 * 3600));
  serve_cmd->footer("Example: terrane serve --listen 127.0.0.1:8080 --data-dir ./data");

  CLI::App* admin = app.add_subcommand("admin", "Administer a data directory");
  admin->require_subcommand(1);
  admin->footer("Example: terrane admin create-api-key --data-dir ./data --role admin");
  std::string data_dir = "./data";
  terrane::server::CreateKeyOptions key_options;
  CLI::App* create_key = admin->add_subcommand("create-api-key", "Print a new API key");
  create_key->add_option("--data-dir", data_dir, "Data directory")->capture_default_str();
  create_key->add_option("--account", key_options.account, "Account the key belongs to")
      ->capture_default_str();
  create_key->add_option("--role", key_options.role,
                         "Role of the key's principal: viewer, operator, admin or a custom role")
      ->required();
  create_key->add_option("--org", key_options.org, "Bind the role at this org (default: account)");
  create_key->add_option("--project", key_options.project,
                         "Bind the role at this project of --org");
  create_key->add_option("--principal", key_options.principal,
                         "Service account owning the key, created when missing (default: a new "
                         "one)");
  create_key->add_option("--name", key_options.name,
                         "A name for the key (default: its principal's identifier)");
  create_key->add_option("--expires-in", key_options.expires_in_seconds,
                         "Seconds until the key stops working (default: never)")
      ->check(CLI::Range(int64_t{1}, int64_t{100} * 365 * 24 * 3600));
  create_key->footer(
      "Example: terrane admin create-api-key --data-dir ./data --role viewer --org default "
      "--project default --name ci");

  CLI::App* create_account = admin->add_subcommand("create-account", "Create an account");
  std::string new_account;
  create_account->add_option("account", new_account, "Account identifier")->required();
  create_account->add_option("--data-dir", data_dir, "Data directory")->capture_default_str();
  create_account->footer("Example: terrane admin create-account acme --data-dir ./data");

  CLI::App* prune_audit =
      admin->add_subcommand("prune-audit", "Delete audit records older than a time");
  std::string audit_before;
  prune_audit
      ->add_option("--before", audit_before,
                   "Records older than this go: an age (90d, 12h), a date (2026-01-02), RFC 3339 "
                   "or unix ms")
      ->required();
  prune_audit->add_option("--data-dir", data_dir, "Data directory")->capture_default_str();
  prune_audit->footer("Example: terrane admin prune-audit --before 365d --data-dir ./data");

  CLI::App* rotate_key = admin->add_subcommand(
      "rotate-master-key",
      "Replace the secret store's master key and re-encrypt every secret (servers may run)");
  std::string rotate_key_file;
  rotate_key->add_option("--data-dir", data_dir, "Data directory")->capture_default_str();
  rotate_key->add_option("--master-key-file", rotate_key_file,
                         "The key file the server uses; default DATA_DIR/master.key");
  rotate_key->footer("Example: terrane admin rotate-master-key --data-dir ./data");

  CLI::App* version = app.add_subcommand("version", "Print the version");
  version->footer("Example: terrane version");
  terrane::cli::ClientCommands client(app);

  // Usage errors exit 1 like every other error (CLI11's own codes, 105, 106, ..., are not part
  // of the documented 0/1/2/3 scheme of the client); --help still exits 0.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  if (std::optional<int> code = client.Run()) return *code;

  if (*serve_cmd) return terrane::server::RunServe(serve);
  if (*create_key) {
    key_options.data_dir = data_dir;
    return terrane::server::AdminCreateApiKey(key_options);
  }
  if (*create_account) return terrane::server::AdminCreateAccount(data_dir, new_account);
  if (*prune_audit) return terrane::server::AdminPruneAudit(data_dir, audit_before);
  if (*rotate_key) return terrane::server::AdminRotateMasterKey(data_dir, rotate_key_file);
  if (*version) {
    std::cout << "terrane " << TERRANE_VERSION << std::endl;
    return 0;
  }
  return 1;
}
