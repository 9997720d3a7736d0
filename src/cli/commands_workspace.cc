// `terrane workspace list|get|create|update|lock|unlock|resources|outputs|backend-config`.
#include <map>
#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_join.h"
#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "cli/internal/command.h"
#include "cli/internal/workspace_flags.h"
#include "cli/table.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

// Page size when collecting every workspace of a listing.
constexpr int kListPage = 1000;

std::string Paint(const Context& ctx, std::string_view status) {
  std::string_view colour = status == "active" || status == "succeeded" ? "green"
                            : status == "failed"                        ? "red"
                            : status == "inactive"                      ? "dim"
                                                                        : "yellow";
  return ctx.terminal.Paint(colour, status);
}

struct ListFlags {
  std::vector<std::string> statuses;
  std::vector<std::string> tags;
  std::string search;
  std::string sort = "name,ASC";
};

absl::StatusOr<int> List(Context& ctx, const ListFlags& f) {
  std::string query = Cat("?limit=", kListPage, "&sort=", QueryEscape(f.sort));
  for (const std::string& s : f.statuses) query += "&status=" + QueryEscape(s);
  for (const std::string& t : f.tags) query += "&tags=" + QueryEscape(t);
  if (!f.search.empty()) query += "&searchTerm=" + QueryEscape(f.search);
  json::array all;
  for (int page = 1;; ++page) {
    TERRANE_ASSIGN_OR_RETURN(HttpResponse resp, ctx.api.Call("GET", Cat(ctx.api.WorkspacesPath(),
                                                                        query, "&page=", page)));
    boost::system::error_code ec;
    json::value items = json::parse(resp.body, ec);
    if (ec || !items.is_array())
      return absl::InternalError("the workspace list is not a JSON array");
    for (json::value& item : items.get_array()) all.push_back(std::move(item));
    int64_t total = std::atoll(resp.Header("x-total-items").c_str());
    if (items.get_array().empty() || static_cast<int64_t>(all.size()) >= total) break;
  }
  if (ctx.json) {
    ctx.PrintJson(all);
    return kExitOk;
  }
  Table table({"identifier", "name", "status", "updated"});
  std::map<std::string, int> counts;
  for (const json::value& ws : all) {
    std::string status = Str(ws, "status");
    ++counts[status];
    table.AddRow({Str(ws, "identifier"), Str(ws, "name"), Paint(ctx, status),
                  FormatTime(Int(ws, "updated"))});
  }
  ctx.out << table.Render();
  std::vector<std::string> parts;
  for (const auto& [status, n] : counts) parts.push_back(Cat(n, " ", status));
  ctx.out << "\n"
          << all.size() << (all.size() == 1 ? " workspace" : " workspaces")
          << (parts.empty() ? "" : ": ") << absl::StrJoin(parts, ", ") << "\n";
  return kExitOk;
}

std::string Variables(const json::value& ws, std::string_view key) {
  const json::value* vars = ws.is_object() ? ws.get_object().if_contains(key) : nullptr;
  if (vars == nullptr || !vars->is_object() || vars->get_object().empty()) return "-";
  std::vector<std::string> parts;
  for (const auto& [name, v] : vars->get_object()) {
    std::string value = Str(v, "value");
    parts.push_back(Str(v, "value_type") == "secret"
                        ? Cat(std::string_view(name), "=<secret ", value, ">")
                        : Cat(std::string_view(name), "=", value));
  }
  return absl::StrJoin(parts, ", ");
}

std::string SourceRef(const json::value& ws) {
  for (std::string_view key : {"repository_branch", "repository_commit", "repository_sha"}) {
    std::string v = Str(ws, key);
    if (!v.empty()) {
      std::string_view kind = key == "repository_branch"   ? "branch"
                              : key == "repository_commit" ? "tag"
                                                           : "sha";
      return Cat(kind, " ", v);
    }
  }
  return "-";
}

absl::StatusOr<int> Get(Context& ctx, const std::string& id) {
  TERRANE_ASSIGN_OR_RETURN(json::value ws, ctx.api.CallJson("GET", ctx.api.WorkspacePath(id)));
  if (ctx.json) {
    ctx.PrintJson(ws);
    return kExitOk;
  }
  std::string locked = "no";
  if (Bool(ws, "backend_locked")) {
    const json::value* lock = ws.get_object().if_contains("lock");
    std::string reason = lock != nullptr ? Str(*lock, "reason") : "";
    locked = reason.empty() ? "yes" : Cat("yes (", reason, ")");
  }
  std::vector<std::string> tags;
  if (const json::value* t = ws.get_object().if_contains("tags"); t != nullptr && t->is_object()) {
    for (const auto& [k, v] : t->get_object()) {
      tags.push_back(v.is_string() && !v.get_string().empty()
                         ? Cat(std::string_view(k), ":", std::string_view(v.get_string()))
                         : std::string(k));
    }
  }
  std::string repo = Str(ws, "repository");
  ctx.out << RenderFields({
      {"Identifier", Str(ws, "identifier")},
      {"Name", Str(ws, "name")},
      {"Description", Str(ws, "description")},
      {"Status", Paint(ctx, Str(ws, "status"))},
      {"Provisioner", Cat(Str(ws, "provisioner"), " ", Str(ws, "provisioner_version"))},
      {"Repository", repo.empty() ? "-" : repo},
      {"Revision", SourceRef(ws)},
      {"Path", Str(ws, "repository_path").empty() ? "." : Str(ws, "repository_path")},
      {"Locked", locked},
      {"State checksum", Str(ws, "state_checksum").empty() ? "-" : Str(ws, "state_checksum")},
      {"Tags", tags.empty() ? "-" : absl::StrJoin(tags, ", ")},
      {"Terraform variables", Variables(ws, "terraform_variables")},
      {"Environment variables", Variables(ws, "environment_variables")},
      {"Created", FormatTime(Int(ws, "created"))},
      {"Updated", FormatTime(Int(ws, "updated"))},
  });
  return kExitOk;
}

absl::StatusOr<int> Create(Context& ctx, const std::string& id, const WorkspaceFlags& f) {
  json::object body;
  if (!f.file.empty()) {
    TERRANE_ASSIGN_OR_RETURN(body, LoadWorkspaceFile(f.file));
  }
  if (!id.empty()) body["identifier"] = id;
  if (Str(body, "identifier").empty()) {
    return absl::InvalidArgumentError("give the workspace identifier (or put it in the file)");
  }
  TERRANE_RETURN_IF_ERROR(ApplyWorkspaceFlags(f, body));
  if (Str(body, "name").empty()) body["name"] = body["identifier"];
  if (Str(body, "provisioner").empty()) body["provisioner"] = "terraform";
  std::string ident = Str(body, "identifier");
  TERRANE_RETURN_IF_ERROR(
      ctx.api.Call("POST", ctx.api.WorkspacesPath(), json::serialize(body)).status());
  if (ctx.json) return Get(ctx, ident);
  ctx.out << "Created workspace " << ident << "\n";
  return kExitOk;
}

absl::StatusOr<int> Update(Context& ctx, const std::string& id, const WorkspaceFlags& f) {
  TERRANE_ASSIGN_OR_RETURN(json::value current, ctx.api.CallJson("GET", ctx.api.WorkspacePath(id)));
  json::object body = current.is_object() ? current.get_object() : json::object();
  // What the show body adds to the editable fields; a PUT replaces the rest.
  for (std::string_view key :
       {"account", "org", "project", "created", "updated", "status", "backend_locked", "lock",
        "state_checksum", "provisioner_data", "terraform_backend"}) {
    body.erase(key);
  }
  if (!f.file.empty()) {
    TERRANE_ASSIGN_OR_RETURN(json::object file, LoadWorkspaceFile(f.file));
    for (auto& [key, value] : file) body[key] = value;
  }
  TERRANE_RETURN_IF_ERROR(ApplyWorkspaceFlags(f, body));
  TERRANE_RETURN_IF_ERROR(
      ctx.api.Call("PUT", ctx.api.WorkspacePath(id), json::serialize(body)).status());
  if (ctx.json) return Get(ctx, id);
  ctx.out << "Updated workspace " << id << "\n";
  return kExitOk;
}

absl::StatusOr<int> Lock(Context& ctx, const std::string& id, const std::string& reason) {
  TERRANE_ASSIGN_OR_RETURN(json::value lock,
                           ctx.api.CallJson("POST", ctx.api.WorkspacePath(id) + "/actions/lock",
                                            json::serialize(json::object{{"reason", reason}})));
  if (ctx.json) {
    ctx.PrintJson(lock);
  } else {
    ctx.out << "Locked workspace " << id << " (lock " << Str(lock, "id") << ")\n";
  }
  return kExitOk;
}

absl::StatusOr<int> Unlock(Context& ctx, const std::string& id) {
  TERRANE_RETURN_IF_ERROR(
      ctx.api.Call("POST", ctx.api.WorkspacePath(id) + "/actions/force-unlock").status());
  if (ctx.json) {
    ctx.PrintJson(json::object{{"identifier", id}, {"locked", false}});
  } else {
    ctx.out << "Unlocked workspace " << id << "\n";
  }
  return kExitOk;
}

std::string Address(const json::value& r) {
  std::string module = Str(r, "module");
  std::string base =
      Cat(Str(r, "mode") == "data" ? "data." : "", Str(r, "type"), ".", Str(r, "name"));
  return module.empty() ? base : Cat(module, ".", base);
}

absl::StatusOr<int> Resources(Context& ctx, const std::string& id, bool outputs) {
  TERRANE_ASSIGN_OR_RETURN(json::value doc,
                           ctx.api.CallJson("GET", ctx.api.WorkspacePath(id) + "/resources"));
  const json::value* part =
      doc.is_object() ? doc.get_object().if_contains(outputs ? "outputs" : "resources") : nullptr;
  json::value items = part != nullptr ? *part : json::array();
  if (!outputs) {
    if (const json::value* data = doc.get_object().if_contains("data_sources")) {
      for (const json::value& d : Arr(*data)) items.get_array().push_back(d);
    }
  }
  if (ctx.json) {
    ctx.PrintJson(items);
    return kExitOk;
  }
  Table table(outputs ? std::vector<std::string>{"name", "value"}
                      : std::vector<std::string>{"address", "provider"});
  for (const json::value& item : Arr(items)) {
    if (outputs) {
      const json::value* v = item.get_object().if_contains("value");
      std::string value = Bool(item, "sensitive") ? "(sensitive)"
                          : v == nullptr          ? ""
                          : v->is_string()        ? std::string(v->get_string())
                                                  : json::serialize(*v);
      table.AddRow({Str(item, "name"), value});
    } else {
      table.AddRow({Address(item), Str(item, "provider")});
    }
  }
  ctx.out << table.Render();
  return kExitOk;
}

absl::StatusOr<int> BackendConfig(Context& ctx, const std::string& id) {
  if (ctx.json) {
    TERRANE_ASSIGN_OR_RETURN(json::value ws, ctx.api.CallJson("GET", ctx.api.WorkspacePath(id)));
    const json::value* backend = ws.get_object().if_contains("terraform_backend");
    ctx.PrintJson(backend != nullptr ? *backend : json::value());
    return kExitOk;
  }
  TERRANE_ASSIGN_OR_RETURN(HttpResponse resp,
                           ctx.api.Call("GET", ctx.api.WorkspacePath(id) + "/backend-config"));
  ctx.out << resp.body;
  return kExitOk;
}

}  // namespace

void AddWorkspaceCommands(Registry& r, CLI::App* ws) {
  auto id = std::make_shared<std::string>();
  auto list = std::make_shared<ListFlags>();
  CLI::App* cmd = r.Command(ws, "list", "List workspaces with their status counts",
                            "terrane workspace list --status active --tag team:platform",
                            [list](Context& ctx) { return List(ctx, *list); });
  cmd->add_option("--status", list->statuses, "Only this status (repeatable)");
  cmd->add_option("--tag", list->tags, "Only workspaces with tag KEY or KEY:VALUE (repeatable)");
  cmd->add_option("--search", list->search, "Only names containing this text");
  cmd->add_option("--sort", list->sort, "name,ASC  name,DESC  updated,ASC  updated,DESC")
      ->capture_default_str();

  auto add_id = [id](CLI::App* c) {
    c->add_option("workspace", *id, "Workspace identifier")->required();
  };
  add_id(r.Command(ws, "get", "Show one workspace", "terrane workspace get net",
                   [id](Context& ctx) { return Get(ctx, *id); }));

  auto flags = std::make_shared<WorkspaceFlags>();
  cmd = r.Command(ws, "create", "Create a workspace from flags or a JSON/YAML file",
                  "terrane workspace create app --repository https://git.example.com/infra.git "
                  "--branch main --path app --var region=eu-west-1",
                  [id, flags](Context& ctx) { return Create(ctx, *id, *flags); });
  cmd->add_option("workspace", *id, "Workspace identifier (or `identifier` in the file)");
  AddWorkspaceFlags(cmd, *flags);
  cmd = r.Command(ws, "update", "Change a workspace: the given flags or file fields, rest kept",
                  "terrane workspace update app --branch release --var region=us-east-1",
                  [id, flags](Context& ctx) { return Update(ctx, *id, *flags); });
  add_id(cmd);
  AddWorkspaceFlags(cmd, *flags);

  auto reason = std::make_shared<std::string>();
  cmd = r.Command(ws, "lock", "Lock a workspace so nobody changes its state",
                  "terrane workspace lock net --reason \"maintenance until 18:00\"",
                  [id, reason](Context& ctx) { return Lock(ctx, *id, *reason); });
  add_id(cmd);
  cmd->add_option("--reason", *reason, "Why, shown to whoever finds it locked")->required();
  add_id(r.Command(ws, "unlock", "Remove the lock of a workspace (force-unlock)",
                   "terrane workspace unlock net",
                   [id](Context& ctx) { return Unlock(ctx, *id); }));
  add_id(r.Command(ws, "resources", "Resources and data sources in the current state",
                   "terrane workspace resources net",
                   [id](Context& ctx) { return Resources(ctx, *id, false); }));
  add_id(r.Command(ws, "outputs", "Outputs of the current state (sensitive values hidden)",
                   "terrane workspace outputs net -o json",
                   [id](Context& ctx) { return Resources(ctx, *id, true); }));
  add_id(r.Command(ws, "backend-config",
                   "Print the terraform backend block for this workspace, to paste",
                   "terrane workspace backend-config net > backend.tf",
                   [id](Context& ctx) { return BackendConfig(ctx, *id); }));
}

}  // namespace terrane::cli::internal
