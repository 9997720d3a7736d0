// `terrane login`, `terrane org ...` and `terrane project ...`.
#include <memory>

#include "CLI/CLI.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "cli/internal/command.h"
#include "cli/table.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

struct TenancyFlags {
  std::string identifier;
  std::string name;
  std::string description;
};

absl::StatusOr<int> Login(Context& ctx) {
  Settings s = ctx.api.settings();
  if (s.api_key.empty()) {
    if (!ctx.terminal.interactive()) {
      return absl::InvalidArgumentError(
          "no API key: pass --api-key or set TERRANE_API_KEY (stdin is not a terminal)");
    }
    TERRANE_ASSIGN_OR_RETURN(s.api_key, ctx.terminal.AskSecret("API key: "));
  }
  // Check the key before saving it: an org listing needs a valid key of the account.
  TERRANE_ASSIGN_OR_RETURN(ApiClient check, ApiClient::Create(s));
  TERRANE_RETURN_IF_ERROR(check.Call("GET", "/v1/orgs").status());
  TERRANE_RETURN_IF_ERROR(SaveConfigFile(ctx.config_path, SettingsLayer{.address = s.address,
                                                                        .api_key = s.api_key,
                                                                        .account = s.account,
                                                                        .org = s.org,
                                                                        .project = s.project}));
  if (ctx.json) {
    ctx.PrintJson(json::object{{"address", s.address},
                               {"account", s.account},
                               {"org", s.org},
                               {"project", s.project},
                               {"config_file", ctx.config_path}});
  } else {
    ctx.out << "Logged in to " << s.address << " as account " << s.account << " (org " << s.org
            << ", project " << s.project << "); settings saved to " << ctx.config_path << "\n";
  }
  return kExitOk;
}

// Renders a list of {"org": {...}} or {"project": {...}} items.
void PrintTenancyList(Context& ctx, const json::value& list, std::string_view kind) {
  if (ctx.json) {
    ctx.PrintJson(list);
    return;
  }
  Table table({"identifier", "name", "description", "created"});
  for (const json::value& item : Arr(list)) {
    const json::value* inner = item.is_object() ? item.get_object().if_contains(kind) : nullptr;
    if (inner == nullptr) continue;
    table.AddRow({Str(*inner, "identifier"), Str(*inner, "name"), Str(*inner, "description"),
                  FormatTime(Int(item, "created"))});
  }
  ctx.out << table.Render();
}

std::string Body(std::string_view kind, const TenancyFlags& f) {
  return json::serialize(
      json::object{{kind, json::object{{"identifier", f.identifier},
                                       {"name", f.name.empty() ? f.identifier : f.name},
                                       {"description", f.description}}}});
}

void AddCrud(Registry& r, std::string_view kind, std::shared_ptr<TenancyFlags> f) {
  std::string k(kind);
  auto path = [k](Context& ctx) {
    return k == "org" ? std::string("/v1/orgs")
                      : Cat("/v1/orgs/", PathSegment(ctx.api.settings().org), "/projects");
  };
  std::string scope = k == "org" ? "" : " --org default";
  CLI::App* group =
      r.Group(&r.app(), k,
              k == "org" ? "Organizations of the account" : "Projects of an organization (--org)",
              Cat("terrane ", k, " list", scope));
  r.Command(group, "list", "List them", Cat("terrane ", k, " list", scope),
            [path, k](Context& ctx) -> absl::StatusOr<int> {
              TERRANE_ASSIGN_OR_RETURN(json::value list, ctx.api.CallJson("GET", path(ctx)));
              PrintTenancyList(ctx, list, k);
              return kExitOk;
            });
  CLI::App* create =
      r.Command(group, "create", Cat("Create one"),
                Cat("terrane ", k, " create platform --name Platform", scope),
                [path, k, f](Context& ctx) -> absl::StatusOr<int> {
                  TERRANE_ASSIGN_OR_RETURN(json::value made,
                                           ctx.api.CallJson("POST", path(ctx), Body(k, *f)));
                  if (ctx.json) {
                    ctx.PrintJson(made);
                  } else {
                    ctx.out << "Created " << k << " " << f->identifier << "\n";
                  }
                  return kExitOk;
                });
  create->add_option("identifier", f->identifier, "Identifier")->required();
  create->add_option("--name", f->name, "Display name (default: the identifier)");
  create->add_option("--description", f->description, "Description");
  CLI::App* del =
      r.Command(group, "delete", "Delete one (refused while it holds projects or workspaces)",
                Cat("terrane ", k, " delete platform", scope),
                [path, k, f](Context& ctx) -> absl::StatusOr<int> {
                  TERRANE_ASSIGN_OR_RETURN(
                      json::value gone,
                      ctx.api.CallJson("DELETE", path(ctx) + "/" + PathSegment(f->identifier)));
                  if (ctx.json) {
                    ctx.PrintJson(gone);
                  } else {
                    ctx.out << "Deleted " << k << " " << f->identifier << "\n";
                  }
                  return kExitOk;
                });
  del->add_option("identifier", f->identifier, "Identifier")->required();
}

}  // namespace

void AddTenancyCommands(Registry& r) {
  r.Command(&r.app(), "login", "Check an API key against a server and save the connection settings",
            "terrane login --addr http://127.0.0.1:8080 --api-key \"$(cat data/admin-api-key)\"",
            Login);
  AddCrud(r, "org", std::make_shared<TenancyFlags>());
  AddCrud(r, "project", std::make_shared<TenancyFlags>());
}

}  // namespace terrane::cli::internal
