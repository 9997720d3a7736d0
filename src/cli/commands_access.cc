// `terrane principal ...`, `terrane key ...`, `terrane role ...` and `terrane role-binding ...`:
// the access-control routes under /v1. Revoking and deleting ask for the identifier to be typed
// on a terminal; --yes skips that and is required without one.
#include <chrono>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "cli/internal/command.h"
#include "cli/table.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

struct AccessFlags {
  std::string id;
  std::string name;
  std::string description;
  std::string type = "service_account";
  std::string principal;
  std::string role;
  std::string scope = "project";
  std::string expires_in;
  std::vector<std::string> permissions;
  bool show_permissions = false;
  bool yes = false;
};

// The member `kind` of a list item such as {"role": {...}}.
const json::value& Inner(const json::value& item, std::string_view kind) {
  static const json::value kNull;
  const json::value* inner = item.is_object() ? item.get_object().if_contains(kind) : nullptr;
  return inner != nullptr ? *inner : kNull;
}

absl::Status Confirm(Context& ctx, bool yes, std::string_view what, const std::string& id) {
  if (yes) return absl::OkStatus();
  if (!ctx.terminal.interactive()) {
    return absl::FailedPreconditionError(Cat("refusing to ", what, " '", id,
                                             "' without confirmation: stdin is not a terminal; "
                                             "pass --yes to do it from a script"));
  }
  TERRANE_ASSIGN_OR_RETURN(std::string typed,
                           ctx.terminal.Ask(Cat("Type '", id, "' to ", what, ": ")));
  if (typed != id)
    return absl::CancelledError(Cat("nothing done: '", typed, "' is not '", id, "'"));
  return absl::OkStatus();
}

// "90d", "12h", "30m", "45s" or plain seconds.
absl::StatusOr<int64_t> ParseDuration(const std::string& text) {
  int64_t unit = 1;
  std::string digits = text;
  if (!text.empty() && std::string("dhms").find(text.back()) != std::string::npos) {
    unit = text.back() == 'd' ? 86400 : text.back() == 'h' ? 3600 : text.back() == 'm' ? 60 : 1;
    digits = text.substr(0, text.size() - 1);
  }
  // A hundred years, as `terrane admin create-api-key` allows; bounds n * unit * 1000.
  constexpr int64_t kMaxSeconds = int64_t{100} * 365 * 86400;
  int64_t n = 0;
  if (!absl::SimpleAtoi(digits, &n) || n <= 0 || n > kMaxSeconds / unit) {
    return absl::InvalidArgumentError(
        Cat("--expires-in must be a positive duration of at most 100 years such as 90d, 12h, 30m "
            "or 3600, got '",
            text, "'"));
  }
  return n * unit;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::StatusOr<int> Print(Context& ctx, const json::value& doc, const std::string& line) {
  if (ctx.json) {
    ctx.PrintJson(doc);
  } else {
    ctx.out << line << "\n";
  }
  return kExitOk;
}

std::string KeyStatus(const json::value& key) {
  if (Int(key, "revoked") != 0) return "revoked " + FormatTime(Int(key, "revoked"));
  int64_t expires = Int(key, "expires");
  if (expires != 0 && expires <= NowMillis()) return "expired";
  return "active";
}

void AddPrincipalCommands(Registry& r, std::shared_ptr<AccessFlags> f) {
  CLI::App* g = r.Group(&r.app(), "principal", "Users and service accounts that own API keys",
                        "terrane principal list");
  r.Command(g, "list", "List them", "terrane principal list",
            [](Context& ctx) -> absl::StatusOr<int> {
              TERRANE_ASSIGN_OR_RETURN(json::value list, ctx.api.CallJson("GET", "/v1/principals"));
              if (ctx.json) return Print(ctx, list, "");
              Table table({"identifier", "name", "type", "created"});
              for (const json::value& item : Arr(list)) {
                const json::value& p = Inner(item, "principal");
                table.AddRow({Str(p, "identifier"), Str(p, "name"), Str(p, "type"),
                              FormatTime(Int(item, "created"))});
              }
              ctx.out << table.Render();
              return kExitOk;
            });
  CLI::App* create = r.Command(
      g, "create", "Create one", "terrane principal create ci --type service_account",
      [f](Context& ctx) -> absl::StatusOr<int> {
        json::object body{{"principal", json::object{{"identifier", f->id},
                                                     {"name", f->name.empty() ? f->id : f->name},
                                                     {"type", f->type}}}};
        TERRANE_ASSIGN_OR_RETURN(json::value made,
                                 ctx.api.CallJson("POST", "/v1/principals", json::serialize(body)));
        return Print(ctx, made, Cat("Created ", f->type, " ", f->id));
      });
  create->add_option("identifier", f->id, "Identifier")->required();
  create->add_option("--name", f->name, "Display name (default: the identifier)");
  create->add_option("--type", f->type, "user or service_account")
      ->check(CLI::IsMember({"user", "service_account"}))
      ->capture_default_str();
  CLI::App* del = r.Command(
      g, "delete", "Delete one with its API keys and role bindings", "terrane principal delete ci",
      [f](Context& ctx) -> absl::StatusOr<int> {
        TERRANE_RETURN_IF_ERROR(Confirm(ctx, f->yes, "delete principal", f->id));
        TERRANE_ASSIGN_OR_RETURN(
            json::value gone, ctx.api.CallJson("DELETE", "/v1/principals/" + PathSegment(f->id)));
        return Print(ctx, gone, Cat("Deleted principal ", f->id, " with its keys and bindings"));
      });
  del->add_option("identifier", f->id, "Identifier")->required();
  del->add_flag("-y,--yes", f->yes, "Do not ask for confirmation (needed without a terminal)");
}

void AddKeyCommands(Registry& r, std::shared_ptr<AccessFlags> f) {
  CLI::App* g = r.Group(&r.app(), "key", "API keys: create, list (never the secret), revoke",
                        "terrane key create --principal ci --expires-in 90d");
  CLI::App* create = r.Command(
      g, "create", "Create a key for a principal; prints only the key (JSON: with its metadata)",
      "terrane key create --principal ci --name deploy --expires-in 90d",
      [f](Context& ctx) -> absl::StatusOr<int> {
        json::object inner{{"principal", f->principal}};
        if (!f->name.empty()) inner["name"] = f->name;
        if (!f->expires_in.empty()) {
          TERRANE_ASSIGN_OR_RETURN(int64_t seconds, ParseDuration(f->expires_in));
          inner["expires"] = NowMillis() + seconds * 1000;
        }
        json::object body{{"api_key", std::move(inner)}};
        TERRANE_ASSIGN_OR_RETURN(json::value made,
                                 ctx.api.CallJson("POST", "/v1/api-keys", json::serialize(body)));
        return Print(ctx, made, Str(made, "key"));
      });
  create->add_option("--principal", f->principal, "Principal owning the key")->required();
  create->add_option("--name", f->name, "A name for the key (default: the principal)");
  create->add_option("--expires-in", f->expires_in, "Lifetime: 90d, 12h, 30m or seconds");
  CLI::App* list_cmd =
      r.Command(g, "list", "List keys (never their secrets)", "terrane key list --principal ci",
                [f](Context& ctx) -> absl::StatusOr<int> {
                  std::string path = "/v1/api-keys";
                  if (!f->principal.empty()) path += "?principal=" + PathSegment(f->principal);
                  TERRANE_ASSIGN_OR_RETURN(json::value list, ctx.api.CallJson("GET", path));
                  if (ctx.json) return Print(ctx, list, "");
                  Table table({"identifier", "name", "principal", "created", "expires", "status"});
                  for (const json::value& item : Arr(list)) {
                    const json::value& k = Inner(item, "api_key");
                    table.AddRow({Str(k, "identifier"), Str(k, "name"), Str(k, "principal"),
                                  FormatTime(Int(item, "created")),
                                  Int(k, "expires") == 0 ? "never" : FormatTime(Int(k, "expires")),
                                  KeyStatus(k)});
                  }
                  ctx.out << table.Render();
                  return kExitOk;
                });
  list_cmd->add_option("--principal", f->principal, "Only this principal's keys");
  CLI::App* revoke = r.Command(
      g, "revoke", "Revoke a key: it stops working at once", "terrane key revoke 0123456789abcdef",
      [f](Context& ctx) -> absl::StatusOr<int> {
        TERRANE_RETURN_IF_ERROR(Confirm(ctx, f->yes, "revoke key", f->id));
        TERRANE_ASSIGN_OR_RETURN(json::value gone,
                                 ctx.api.CallJson("DELETE", "/v1/api-keys/" + PathSegment(f->id)));
        return Print(ctx, gone, Cat("Revoked key ", f->id));
      });
  revoke->add_option("identifier", f->id, "Key identifier (the part after `tk.`)")->required();
  revoke->add_flag("-y,--yes", f->yes, "Do not ask for confirmation (needed without a terminal)");
}

void AddRoleCommands(Registry& r, std::shared_ptr<AccessFlags> f) {
  CLI::App* g = r.Group(&r.app(), "role", "Built-in (viewer, operator, admin) and custom roles",
                        "terrane role list");
  CLI::App* list_cmd = r.Command(
      g, "list", "List roles; --permissions lists the permission names instead",
      "terrane role list", [f](Context& ctx) -> absl::StatusOr<int> {
        if (f->show_permissions) {
          TERRANE_ASSIGN_OR_RETURN(json::value names, ctx.api.CallJson("GET", "/v1/permissions"));
          if (ctx.json) return Print(ctx, names, "");
          for (const json::value& name : Arr(names)) {
            if (name.is_string()) ctx.out << std::string_view(name.get_string()) << "\n";
          }
          return kExitOk;
        }
        TERRANE_ASSIGN_OR_RETURN(json::value list, ctx.api.CallJson("GET", "/v1/roles"));
        if (ctx.json) return Print(ctx, list, "");
        Table table({"identifier", "name", "built-in", "permissions"});
        for (const json::value& item : Arr(list)) {
          const json::value& role = Inner(item, "role");
          std::vector<std::string> names;
          for (const json::value& p :
               Arr(role.is_object() ? role.get_object().at("permissions") : json::value())) {
            if (p.is_string()) names.emplace_back(p.get_string());
          }
          table.AddRow(
              {Str(role, "identifier"), Str(role, "name"),
               Bool(item, "harness_managed") ? "yes" : "no",
               names.size() > 4 ? Cat(names.size(), " permissions") : absl::StrJoin(names, " ")});
        }
        ctx.out << table.Render();
        return kExitOk;
      });
  list_cmd->add_flag("--permissions", f->show_permissions, "List the permission names roles grant");
  CLI::App* create = r.Command(
      g, "create", "Create a custom role",
      "terrane role create approver --permission iac_workspace_view "
      "--permission iac_workspace_approve",
      [f](Context& ctx) -> absl::StatusOr<int> {
        json::array permissions;
        for (const std::string& p : f->permissions) permissions.emplace_back(p);
        json::object body{{"role", json::object{{"identifier", f->id},
                                                {"name", f->name.empty() ? f->id : f->name},
                                                {"description", f->description},
                                                {"permissions", std::move(permissions)}}}};
        TERRANE_ASSIGN_OR_RETURN(json::value made,
                                 ctx.api.CallJson("POST", "/v1/roles", json::serialize(body)));
        return Print(ctx, made, Cat("Created role ", f->id));
      });
  create->add_option("identifier", f->id, "Identifier")->required();
  create->add_option("--permission", f->permissions, "A permission it grants (repeatable)")
      ->required();
  create->add_option("--name", f->name, "Display name (default: the identifier)");
  create->add_option("--description", f->description, "Description");
  CLI::App* del = r.Command(
      g, "delete", "Delete a custom role (refused while bound)", "terrane role delete approver",
      [f](Context& ctx) -> absl::StatusOr<int> {
        TERRANE_RETURN_IF_ERROR(Confirm(ctx, f->yes, "delete role", f->id));
        TERRANE_ASSIGN_OR_RETURN(json::value gone,
                                 ctx.api.CallJson("DELETE", "/v1/roles/" + PathSegment(f->id)));
        return Print(ctx, gone, Cat("Deleted role ", f->id));
      });
  del->add_option("identifier", f->id, "Identifier")->required();
  del->add_flag("-y,--yes", f->yes, "Do not ask for confirmation (needed without a terminal)");
}

void AddBindingCommands(Registry& r, std::shared_ptr<AccessFlags> f) {
  CLI::App* g = r.Group(&r.app(), "role-binding",
                        "Give a principal a role at the account, the --org or the --project",
                        "terrane role-binding create --principal ci --role viewer --scope project");
  CLI::App* create = r.Command(
      g, "create", "Bind a role to a principal",
      "terrane role-binding create --principal ci --role operator --scope project --org default "
      "--project default",
      [f](Context& ctx) -> absl::StatusOr<int> {
        json::object inner{{"principal", f->principal}, {"role", f->role}};
        const Settings& s = ctx.api.settings();
        if (f->scope != "account") inner["org"] = s.org;
        if (f->scope == "project") inner["project"] = s.project;
        json::object body{{"role_binding", std::move(inner)}};
        TERRANE_ASSIGN_OR_RETURN(
            json::value made, ctx.api.CallJson("POST", "/v1/role-bindings", json::serialize(body)));
        return Print(ctx, made,
                     Cat("Created role binding ", Str(Inner(made, "role_binding"), "identifier"),
                         ": ", f->principal, " holds ", f->role, " at ", f->scope));
      });
  create->add_option("--principal", f->principal, "Principal")->required();
  create->add_option("--role", f->role, "Role")->required();
  create->add_option("--scope", f->scope, "account, org (--org) or project (--org/--project)")
      ->check(CLI::IsMember({"account", "org", "project"}))
      ->capture_default_str();
  CLI::App* list_cmd = r.Command(
      g, "list", "List role bindings", "terrane role-binding list --principal ci",
      [f](Context& ctx) -> absl::StatusOr<int> {
        std::string path = "/v1/role-bindings";
        if (!f->principal.empty()) path += "?principal=" + PathSegment(f->principal);
        TERRANE_ASSIGN_OR_RETURN(json::value list, ctx.api.CallJson("GET", path));
        if (ctx.json) return Print(ctx, list, "");
        Table table({"identifier", "principal", "role", "scope", "created"});
        for (const json::value& item : Arr(list)) {
          const json::value& b = Inner(item, "role_binding");
          std::string scope = Str(b, "org").empty() ? "account"
                              : Str(b, "project").empty()
                                  ? Cat("org ", Str(b, "org"))
                                  : Cat("project ", Str(b, "org"), "/", Str(b, "project"));
          table.AddRow({Str(b, "identifier"), Str(b, "principal"), Str(b, "role"), scope,
                        FormatTime(Int(item, "created"))});
        }
        ctx.out << table.Render();
        return kExitOk;
      });
  list_cmd->add_option("--principal", f->principal, "Only this principal's bindings");
  CLI::App* del = r.Command(
      g, "delete", "Delete a role binding", "terrane role-binding delete rb_0123456789abcdef",
      [f](Context& ctx) -> absl::StatusOr<int> {
        TERRANE_RETURN_IF_ERROR(Confirm(ctx, f->yes, "delete role binding", f->id));
        TERRANE_ASSIGN_OR_RETURN(
            json::value gone,
            ctx.api.CallJson("DELETE", "/v1/role-bindings/" + PathSegment(f->id)));
        return Print(ctx, gone, Cat("Deleted role binding ", f->id));
      });
  del->add_option("identifier", f->id, "Identifier")->required();
  del->add_flag("-y,--yes", f->yes, "Do not ask for confirmation (needed without a terminal)");
}

}  // namespace

void AddAccessCommands(Registry& r) {
  AddPrincipalCommands(r, std::make_shared<AccessFlags>());
  AddKeyCommands(r, std::make_shared<AccessFlags>());
  AddRoleCommands(r, std::make_shared<AccessFlags>());
  AddBindingCommands(r, std::make_shared<AccessFlags>());
}

}  // namespace terrane::cli::internal
