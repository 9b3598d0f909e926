#include "lib/git.hpp"

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "lib/error.hpp"

namespace sdesk {

namespace fs = std::filesystem;

void git_library_init() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

void git_check(int rc, const char* what) {
  if (rc >= 0) return;
  const git_error* e = git_error_last();
  throw Error(Exit::internal,
              fmt::format("git: {}: {}", what, e && e->message ? e->message : "failed"));
}

std::string oid_hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

bool oid_eq(const git_oid& a, const git_oid& b) {
  return git_oid_cmp(&a, &b) == 0;
}

Repo Repo::discover(const fs::path& dir) {
  git_library_init();
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_discover(&buf, dir.c_str(), 0, nullptr) < 0) {
    throw Error(Exit::not_found, fmt::format("no desk found at {} or its parents", dir.string()),
                "create one with `sdesk init DIR`, or name one with -C DIR");
  }
  std::string path(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return open(path);
}

Repo Repo::open(const fs::path& dir) {
  git_library_init();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) {
    throw Error(Exit::not_found, fmt::format("no desk at {}", dir.string()));
  }
  return Repo(r);
}

Repo Repo::init(const fs::path& dir) {
  git_library_init();
  std::string branch = "main";
  {
    git_config* c = nullptr;
    if (git_config_open_default(&c) == 0) {
      ConfigPtr cfg(c);
      git_buf b = GIT_BUF_INIT;
      if (git_config_get_string_buf(&b, cfg.get(), "init.defaultBranch") == 0 && b.size > 0)
        branch.assign(b.ptr, b.size);
      git_buf_dispose(&b);
    }
  }
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  opts.initial_head = branch.c_str();
  git_repository* r = nullptr;
  git_check(git_repository_init_ext(&r, dir.c_str(), &opts), "init");
  return Repo(r);
}

fs::path Repo::workdir() const {
  const char* w = git_repository_workdir(repo_.get());
  return w ? fs::path(w) : fs::path();
}

fs::path Repo::gitdir() const {
  return fs::path(git_repository_path(repo_.get()));
}

bool Repo::bare() const {
  return git_repository_is_bare(repo_.get());
}

std::string Repo::head_branch() const {
  git_reference* ref = nullptr;
  git_check(git_reference_lookup(&ref, repo_.get(), "HEAD"), "read HEAD");
  RefPtr head(ref);
  if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) return git_reference_symbolic_target(ref);
  return "HEAD";
}

std::optional<git_oid> Repo::head() const {
  git_oid id;
  int rc = git_reference_name_to_id(&id, repo_.get(), "HEAD");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::nullopt;
  git_check(rc, "resolve HEAD");
  return id;
}

TreePtr Repo::tree_of(const git_oid& commit) const {
  git_commit* c = nullptr;
  git_check(git_commit_lookup(&c, repo_.get(), &commit), "look up commit");
  CommitPtr cp(c);
  git_tree* t = nullptr;
  git_check(git_commit_tree(&t, c), "read commit tree");
  return TreePtr(t);
}

TreePtr Repo::head_tree() const {
  auto h = head();
  if (!h) return nullptr;
  return tree_of(*h);
}

std::string Repo::blob_text(const git_oid& id) const {
  git_blob* b = nullptr;
  git_check(git_blob_lookup(&b, repo_.get(), &id), "read blob");
  BlobPtr bp(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)),
                     static_cast<size_t>(git_blob_rawsize(b)));
}

std::optional<git_oid> Repo::blob_at(git_tree* tree, const std::string& path) const {
  if (!tree) return std::nullopt;
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree, path.c_str()) < 0) return std::nullopt;
  EntryPtr ep(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::nullopt;
  return *git_tree_entry_id(e);
}

std::optional<std::string> Repo::read_at(git_tree* tree, const std::string& path) const {
  auto id = blob_at(tree, path);
  if (!id) return std::nullopt;
  return blob_text(*id);
}

namespace {
void walk_tree(git_repository* repo, git_tree* tree, const std::string& prefix,
               const std::function<void(const std::string&, const git_oid&)>& f) {
  size_t n = git_tree_entrycount(tree);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string path = prefix + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      git_tree* sub = nullptr;
      git_check(git_tree_lookup(&sub, repo, git_tree_entry_id(e)), "read tree");
      TreePtr sp(sub);
      walk_tree(repo, sub, path + "/", f);
    } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
      f(path, *git_tree_entry_id(e));
    }
  }
}
}  // namespace

void Repo::walk(git_tree* tree, const std::string& dir,
                const std::function<void(const std::string&, const git_oid&)>& f) const {
  if (!tree) return;
  if (dir.empty()) return walk_tree(repo_.get(), tree, "", f);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree, dir.c_str()) < 0) return;
  EntryPtr ep(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_TREE) return;
  git_tree* sub = nullptr;
  git_check(git_tree_lookup(&sub, repo_.get(), git_tree_entry_id(e)), "read tree");
  TreePtr sp(sub);
  walk_tree(repo_.get(), sub, dir + "/", f);
}

namespace {
TreePtr empty_tree(git_repository* repo) {
  git_treebuilder* b = nullptr;
  git_check(git_treebuilder_new(&b, repo, nullptr), "tree builder");
  git_oid id;
  int rc = git_treebuilder_write(&id, b);
  git_treebuilder_free(b);
  git_check(rc, "write empty tree");
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, repo, &id), "read empty tree");
  return TreePtr(t);
}

// Writes bytes to a work tree file through a temporary file and a rename.
void write_file_atomic(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  fs::path tmp = path;
  tmp += ".sdesk-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) internal_error("cannot write {}", path.string());
  }
  fs::rename(tmp, path);
}
}  // namespace

std::optional<git_oid> Repo::commit_tree(const git_oid& tree_id,
                                         const std::vector<git_oid>& parent_ids, const Author& a,
                                         const std::string& message,
                                         const std::optional<git_oid>& expected) {
  git_repository* r = repo_.get();
  git_signature* s = nullptr;
  git_check(git_signature_new(&s, a.name.c_str(), a.email.c_str(),
                              a.when.time_since_epoch().count(), a.offset_minutes),
            "make signature");
  SigPtr sig(s);
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, r, &tree_id), "read new tree");
  TreePtr tree(t);
  std::vector<CommitPtr> parents;
  std::vector<const git_commit*> raw;
  for (const auto& p : parent_ids) {
    git_commit* c = nullptr;
    git_check(git_commit_lookup(&c, r, &p), "read parent");
    parents.emplace_back(c);
    raw.push_back(c);
  }
  git_oid id;
  git_check(git_commit_create(&id, r, nullptr, sig.get(), sig.get(), nullptr, message.c_str(),
                              tree.get(), raw.size(), raw.data()),
            "write commit");
  std::string branch = head_branch();
  git_reference* ref = nullptr;
  int rc = expected
               ? git_reference_create_matching(&ref, r, branch.c_str(), &id, 1, &*expected, "sdesk")
               : git_reference_create(&ref, r, branch.c_str(), &id, 0, "sdesk");
  RefPtr rp(ref);
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) return std::nullopt;
  git_check(rc, "move branch");
  return id;
}

git_oid Repo::commit(const std::vector<FileChange>& changes, const Author& author,
                     const std::string& message) {
  git_repository* r = repo_.get();
  // The index is brought along after the branch moves: refuse up front when a git process
  // holds it, rather than leave a commit whose index could not follow.
  // Waits up to 3 s, like the desk lock.
  std::error_code ec;
  for (int i = 0; !bare() && fs::exists(gitdir() / "index.lock", ec); ++i) {
    if (i == 30)
      throw Error(Exit::conflict, "another git process holds the index (.git/index.lock exists)",
                  "wait for it to finish; if none is running, remove .git/index.lock");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::vector<git_oid> blobs(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].content)
      git_check(git_blob_create_from_buffer(&blobs[i], r, changes[i].content->data(),
                                            changes[i].content->size()),
                "write blob");
  }
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto expected = head();
    TreePtr base = expected ? tree_of(*expected) : empty_tree(r);
    std::vector<git_tree_update> updates(changes.size());
    for (size_t i = 0; i < changes.size(); ++i) {
      updates[i].action = changes[i].content ? GIT_TREE_UPDATE_UPSERT : GIT_TREE_UPDATE_REMOVE;
      updates[i].id = blobs[i];
      updates[i].filemode = GIT_FILEMODE_BLOB;
      updates[i].path = changes[i].path.c_str();
    }
    git_oid tree_id;
    git_check(git_tree_create_updated(&tree_id, r, base.get(), updates.size(), updates.data()),
              "build tree");
    std::vector<git_oid> parents;
    if (expected) parents.push_back(*expected);
    auto id = commit_tree(tree_id, parents, author, message, expected);
    if (!id) continue;
    if (!bare()) {
      std::vector<std::string> paths;
      for (const auto& c : changes) paths.push_back(c.path);
      checkout_paths(paths);
    }
    return *id;
  }
  throw Error(Exit::conflict, "the branch kept moving while sdesk committed; nothing was lost",
              "run the command again");
}

void Repo::checkout_paths(const std::vector<std::string>& paths) {
  TreePtr tree = head_tree();
  git_index* idx = nullptr;
  git_check(git_repository_index(&idx, repo_.get()), "open index");
  IndexPtr index(idx);
  git_check(git_index_read(idx, 0), "read index");
  for (const auto& p : paths) {
    fs::path file = workdir() / p;
    auto content = read_at(tree.get(), p);
    if (content) {
      write_file_atomic(file, *content);
      git_check(git_index_add_bypath(idx, p.c_str()), "update index");
    } else {
      std::error_code ec;
      fs::remove(file, ec);
      for (fs::path d = file.parent_path(); d != workdir() && fs::is_empty(d, ec);
           d = d.parent_path())
        fs::remove(d, ec);
      int rc = git_index_remove_bypath(idx, p.c_str());
      if (rc != GIT_ENOTFOUND) git_check(rc, "update index");
    }
  }
  // A git process may hold .git/index.lock for a moment (a prompt's `git status`): the commit
  // already stands, so wait for the index rather than leave it behind HEAD.
  int rc = git_index_write(idx);
  for (int i = 0; rc == GIT_ELOCKED && i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rc = git_index_write(idx);
  }
  git_check(rc, "write index");
}

std::optional<git_oid> Repo::hash_workfile(const std::string& path) const {
  fs::path file = workdir() / path;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  git_oid id;
  git_check(git_odb_hashfile(&id, file.c_str(), GIT_OBJECT_BLOB), "hash file");
  return id;
}

std::optional<std::string> Repo::config(const std::string& key) const {
  git_config* c = nullptr;
  git_check(git_repository_config_snapshot(&c, repo_.get()), "read config");
  ConfigPtr cfg(c);
  const char* v = nullptr;
  if (git_config_get_string(&v, c, key.c_str()) < 0) return std::nullopt;
  return std::string(v);
}

void Repo::set_config(const std::string& key, const std::string& value) {
  git_config* c = nullptr;
  git_check(git_repository_config(&c, repo_.get()), "open config");
  ConfigPtr cfg(c);
  git_config* local = nullptr;
  git_check(git_config_open_level(&local, c, GIT_CONFIG_LEVEL_LOCAL), "open local config");
  ConfigPtr lp(local);
  git_check(git_config_set_string(local, key.c_str(), value.c_str()), "write config");
}

}  // namespace sdesk
