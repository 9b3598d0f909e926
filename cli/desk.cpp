// init, staff, vendor, commit, workflow: setting a desk up and keeping it valid.
#include <iostream>

#include "cli/commands.hpp"
#include "lib/store/kinds.hpp"
#include "lib/store/roster.hpp"
#include "lib/sync/objects.hpp"
#include "lib/sync/validate.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

struct InitOptions {
  std::string dir;
  std::string name;
};

struct StaffOptions {
  std::string id, name, role, email, phone, skills, login;
  std::vector<std::string> keys;
};

struct StaffSetOptions {
  std::string name, role, email, phone, skills, login;
  std::vector<std::string> keys;
  bool clear_keys = false;
};

struct VendorOptions {
  std::string id, name, contact, hours, sla;
};

const char* kGitattributes =
    "# sdesk merges its objects event by event (see `sdesk merge-driver`).\n"
    "tickets/**/*.yaml merge=sdesk\n"
    "kb/*.yaml merge=sdesk\n"
    "complaints/**/*.yaml merge=sdesk\n";

void run_init(const InitOptions& o) {
  Desk desk = Desk::create(o.dir, o.name);
  std::vector<FileChange> files;
  files.push_back({"desk.yaml", default_desk_yaml(o.name)});
  files.push_back({".gitattributes", std::string(kGitattributes)});
  for (const auto& [name, text] : embedded_schemas()) files.push_back({"schemas/" + name, text});
  Staff author;
  author.id = author.name = "sdesk";
  author.role = "pm";
  if (auto n = desk.repo().config("user.name")) author.name = *n;
  if (auto e = desk.repo().config("user.email")) author.email = *e;
  desk.commit_as(author, files, "desk", "init", o.name.empty() ? "new desk" : o.name);
  std::cout << "initialised desk in " << printable(o.dir, false) << "\n";
}

void run_staff_add(const Globals& g, const StaffOptions& o) {
  Desk desk = open_desk(g);
  Staff s{o.id, o.name, o.role, o.email, o.phone, split_list(o.skills), true, o.login, o.keys};
  add_staff(desk, s);
  after_write(desk);
  emit(g, o.id + "\n");
}

void run_staff_set(const Globals& g, const std::string& id, const StaffSetOptions& o) {
  Desk desk = open_desk(g);
  StaffChange c;
  auto given = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional(v); };
  c.name = given(o.name);
  c.role = given(o.role);
  c.email = given(o.email);
  c.phone = given(o.phone);
  c.skills = given(o.skills);
  c.login = given(o.login);
  c.ssh_keys = o.keys;
  c.clear_keys = o.clear_keys;
  Staff s = set_staff(desk, id, c);
  after_write(desk);
  emit(g, s.id + "\n");
}

Table staff_table(const std::map<std::string, Staff>& staff) {
  Table t{{"ID", "NAME", "ROLE", "EMAIL", "PHONE", "SKILLS", "ACTIVE"}, {}, {}};
  for (const auto& [id, s] : staff) {
    std::string skills;
    for (const auto& k : s.skills) skills += (skills.empty() ? "" : ",") + k;
    t.rows.push_back({s.id, s.name, s.role, s.email, s.phone, skills, s.active ? "yes" : "no"});
  }
  return t;
}

void run_staff_list(const Globals& g) {
  Desk desk = open_desk(g);
  Json arr = Json::array();
  for (const auto& [id, s] : desk.staff()) arr.push_back(staff_json(s));
  emit_rows(g, staff_table(desk.staff()), arr);
}

void run_staff_show(const Globals& g, const std::string& id) {
  Desk desk = open_desk(g);
  const Staff& s = desk.staff_member(id);
  if (output_format(g) == Format::json) return emit_json(g, staff_json(s));
  std::map<std::string, Staff> one{{s.id, s}};
  if (output_format(g) == Format::csv) return emit_csv(g, staff_table(one));
  std::string skills;
  for (const auto& k : s.skills) skills += (skills.empty() ? "" : ", ") + k;
  emit(g, render_fields({{"id", s.id},
                         {"name", s.name},
                         {"role", s.role},
                         {"email", s.email},
                         {"phone", s.phone},
                         {"skills", skills},
                         {"active", s.active ? "yes" : "no"}}));
}

void run_staff_deactivate(const Globals& g, const std::string& id) {
  Desk desk = open_desk(g);
  deactivate_staff(desk, id);
  after_write(desk);
}

void run_vendor_add(const Globals& g, const VendorOptions& o) {
  check_short_id(o.id, "vendor id");
  Desk desk = open_desk(g);
  desk.write([&] {
    if (desk.op().role != "pm") refuse("only the PM adds vendors");
    if (desk.vendors().count(o.id)) refuse("vendor '{}' already exists", o.id);
    desk.refuse_if_hand_edited(vendor_path(o.id));
    Vendor v{o.id, o.name, o.contact, o.hours, o.sla};
    desk.commit({{vendor_path(o.id), emit_yaml(vendor_json(v))}}, o.id, "vendor-add", o.name);
  });
  after_write(desk);
  emit(g, o.id + "\n");
}

Table vendor_table(const std::map<std::string, Vendor>& vendors) {
  Table t{{"ID", "NAME", "CONTACT", "HOURS", "SLA"}, {}, {}};
  for (const auto& [id, v] : vendors) t.rows.push_back({v.id, v.name, v.contact, v.hours, v.sla});
  return t;
}

void run_vendor_list(const Globals& g) {
  Desk desk = open_desk(g);
  auto vendors = desk.vendors();
  Json arr = Json::array();
  for (const auto& [id, v] : vendors) arr.push_back(vendor_json(v));
  emit_rows(g, vendor_table(vendors), arr);
}

void run_vendor_show(const Globals& g, const std::string& id) {
  Desk desk = open_desk(g);
  auto vendors = desk.vendors();
  auto it = vendors.find(id);
  if (it == vendors.end()) {
    std::vector<std::string> matches;
    for (const auto& [vid, v] : vendors)
      if (!id.empty() && vid.rfind(id, 0) == 0) matches.push_back(vid);
    it = vendors.find(unique_match(std::move(matches), "vendor", id));
  }
  const Vendor& v = it->second;
  if (output_format(g) == Format::json) return emit_json(g, vendor_json(v));
  std::map<std::string, Vendor> one{{v.id, v}};
  if (output_format(g) == Format::csv) return emit_csv(g, vendor_table(one));
  emit(g, render_fields({{"id", v.id},
                         {"name", v.name},
                         {"contact", v.contact},
                         {"hours", v.hours},
                         {"sla", v.sla}}));
}

void run_commit(const Globals& g, const std::string& message) {
  Desk desk = open_desk(g);
  desk.write([&] {
    const Staff& op = desk.op();
    auto paths = desk.hand_edits();
    if (paths.empty()) {
      std::cerr << "sdesk: nothing to commit: the work tree matches HEAD\n";
      return;
    }
    TreePtr tree = desk.repo().head_tree();
    // The role as committed: a hand edit of one's own staff file promotes nobody.
    std::string role = op.role;
    if (auto mine = desk.repo().read_at(tree.get(), staff_path(op.id)))
      role = parse_staff(*mine, staff_path(op.id)).role;
    std::vector<FileChange> changes;
    std::vector<std::string> objects;
    for (const auto& p : paths) {
      auto f = desk.read(p);
      auto old = desk.repo().read_at(tree.get(), p);
      if (pm_only_path(p) && role != "pm")
        refuse("{}: only a PM changes this file ({} is {})", p, op.id, role);
      if (!f) {
        if (kind_of_path(p))
          refuse("{}: deleting a ticket, article or complaint is not allowed (cancel or retire it)",
                 p);
        changes.push_back({p, std::nullopt});
      } else {
        validate_file(p, f->text);
        if (old) check_append_only(p, *old, f->text);
        changes.push_back({p, f->text});
      }
      std::string obj = f ? object_of_file(p, f->text) : object_of_file(p, old.value_or(""));
      if (!obj.empty()) objects.push_back(obj);
    }
    std::string first = objects.empty() ? "desk" : objects[0];
    std::vector<std::string> also(objects.size() > 1 ? objects.begin() + 1 : objects.end(),
                                  objects.end());
    desk.commit(changes, first, "edit",
                message.empty() ? fmt::format("hand edits by {} ({} file{})", op.id, paths.size(),
                                              paths.size() == 1 ? "" : "s")
                                : message,
                also);
    for (const auto& p : paths) emit(g, p + "\n");
  });
}

// `sdesk config sign true|false`: whether this clone signs its commits (SSH, user.signingkey).
void run_config(const Globals& g, const std::string& key, const std::string& value) {
  if (key != "sign") usage_error("config: unknown setting '{}' (known: sign)", key);
  std::string v = value;
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v != "true" && v != "false") usage_error("config sign: '{}' is not true or false", value);
  Desk desk = open_desk(g);
  Repo& repo = desk.repo();
  if (v == "true") {
    if (!repo.config("user.signingkey"))
      throw Error(
          Exit::refused, "config sign: git's user.signingkey is not set",
          "point it at the operator's SSH key: git config user.signingkey ~/.ssh/id_ed25519");
    repo.set_config("gpg.format", "ssh");  // so that a plain `git commit` here signs the same way
  }
  repo.set_config("commit.gpgsign", v);
  repo.set_config("sdesk.sign", v);
  emit(g, "sign " + v + "\n");
}

void run_doctor(const Globals& g) {
  Desk desk = Desk::open(DeskOptions{g.dir, g.as, {}});
  auto repaired = desk.repair(true);
  auto kept = desk.hand_edits();
  if (output_format(g, {Format::table, Format::json}) == Format::json) {
    Json j = Json::object();
    j["repaired"] = repaired;
    j["hand_edits"] = kept;
    return emit_json(g, j);
  }
  std::string out;
  for (const auto& r : repaired) out += "repaired: " + r + "\n";
  for (const auto& k : kept)
    out += "hand edit kept: " + k + " (commit it with `sdesk commit`, or undo it)\n";
  if (out.empty()) out = "nothing to repair: the work tree, the index and HEAD agree\n";
  emit(g, out);
}

}  // namespace

void register_desk(CLI::App& app, Globals& g) {
  auto cfg = std::make_shared<std::pair<std::string, std::string>>();
  auto* config = app.add_subcommand("config", "settings of this clone (not of the desk)");
  config->add_option("KEY", cfg->first, "sign: sign this clone's commits with user.signingkey")
      ->required();
  config->add_option("VALUE", cfg->second, "true or false")->required();
  config->callback([&g, cfg] { run_config(g, cfg->first, cfg->second); });

  auto init_opts = std::make_shared<InitOptions>();
  auto* init = app.add_subcommand("init", "create a new desk (a git repository) in DIR");
  init->add_option("DIR", init_opts->dir, "directory for the new desk")->required();
  init->add_option("--name", init_opts->name, "the desk's name");
  init->callback([init_opts] { run_init(*init_opts); });

  auto* staff = app.add_subcommand("staff", "the desk's people")->require_subcommand(1);
  auto so = std::make_shared<StaffOptions>();
  auto* add = staff->add_subcommand("add", "add a staff member (PM only)");
  add->add_option("ID", so->id, "short id, e.g. zhangsan")->required();
  add->add_option("--name", so->name, "display name")->required();
  add->add_option("--role", so->role, "pm, l1 or l2")
      ->required()
      ->transform(one_of({"pm", "l1", "l2"}));
  add->add_option("--email", so->email, "email (matched against git user.email)");
  add->add_option("--phone", so->phone, "phone");
  add->add_option("--skills", so->skills, "comma-separated skills");
  add->add_option("--login", so->login, "the login the git server knows them by");
  add->add_option("--ssh-key", so->keys, "an OpenSSH public key (repeatable)");
  add->callback([&g, so] { run_staff_add(g, *so); });
  auto set_id = std::make_shared<std::string>();
  auto sso = std::make_shared<StaffSetOptions>();
  auto* set = staff->add_subcommand("set", "change a staff member's record (PM only)");
  set->add_option("ID", *set_id, "the staff member")->required();
  set->add_option("--name", sso->name, "display name");
  set->add_option("--role", sso->role, "pm, l1 or l2");
  set->add_option("--email", sso->email, "email (matched against a commit's author email)");
  set->add_option("--phone", sso->phone, "phone");
  set->add_option("--skills", sso->skills, "comma-separated skills");
  set->add_option("--login", sso->login, "the login the git server knows them by");
  set->add_option("--ssh-key", sso->keys, "add an OpenSSH public key (repeatable)");
  set->add_flag("--clear-keys", sso->clear_keys, "drop the recorded keys first");
  set->callback([&g, set_id, sso] { run_staff_set(g, *set_id, *sso); });
  auto* list = staff->add_subcommand("list", "list staff");
  add_format_flags(list, g, false, kMarkdownFormats);
  list->callback([&g] { run_staff_list(g); });
  auto sid = std::make_shared<std::string>();
  auto* show = staff->add_subcommand("show", "show one staff member");
  show->add_option("ID", *sid)->required();
  add_format_flags(show, g);
  show->callback([&g, sid] { run_staff_show(g, *sid); });
  auto* deact = staff->add_subcommand("deactivate", "deactivate a staff member (PM only)");
  deact->add_option("ID", *sid)->required();
  deact->callback([&g, sid] { run_staff_deactivate(g, *sid); });

  auto* vendor =
      app.add_subcommand("vendor", "outside vendors for escalation")->require_subcommand(1);
  auto vo = std::make_shared<VendorOptions>();
  auto* vadd = vendor->add_subcommand("add", "add a vendor (PM only)");
  vadd->add_option("ID", vo->id)->required();
  vadd->add_option("--name", vo->name)->required();
  vadd->add_option("--contact", vo->contact);
  vadd->add_option("--hours", vo->hours);
  vadd->add_option("--sla", vo->sla, "contract SLA, as text");
  vadd->callback([&g, vo] { run_vendor_add(g, *vo); });
  auto* vlist = vendor->add_subcommand("list", "list vendors");
  add_format_flags(vlist, g, false, kMarkdownFormats);
  vlist->callback([&g] { run_vendor_list(g); });
  auto* vshow = vendor->add_subcommand("show", "show one vendor");
  vshow->add_option("ID", *sid)->required();
  add_format_flags(vshow, g);
  vshow->callback([&g, sid] { run_vendor_show(g, *sid); });

  auto msg = std::make_shared<std::string>();
  auto* commit =
      app.add_subcommand("commit", "validate hand edits in the work tree and commit them");
  commit->add_option("-m,--message", *msg, "what the edit does");
  commit->callback([&g, msg] { run_commit(g, *msg); });

  auto* doctor = app.add_subcommand(
      "doctor", "repair what an interrupted sdesk or git left (stale locks, files behind HEAD)");
  add_format_flags(doctor, g, false, {"table", "json"});
  doctor->callback([&g] { run_doctor(g); });

  auto wf = std::make_shared<std::string>("dot");
  auto* workflow = app.add_subcommand("workflow", "print the ticket state machine");
  workflow->add_option("--format", *wf, "dot or mermaid")->transform(one_of({"dot", "mermaid"}));
  workflow->callback([wf] { std::cout << workflow_diagram(*wf); });
}

}  // namespace sdesk::cli
