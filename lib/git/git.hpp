// libgit2 behind RAII handles: open a desk repository, read HEAD's tree, commit without the
// working tree, move the branch by compare-and-swap, and bring the work tree and index along.
#pragma once
#include <git2.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

namespace sdesk {

// The branch moved between reading HEAD and moving it (a git command ran meanwhile): nothing
// was written, and the whole change is made again from the new HEAD (see Desk::write).
struct LostRace : Error {
  // Makes the error (exit 5 when no retry is left).
  LostRace()
      : Error(Exit::conflict, "the branch moved while sdesk was writing; nothing was written",
              "run the command again") {}
};

// A unique_ptr that frees a libgit2 object with its matching git_*_free.
template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using GitPtr = std::unique_ptr<T, GitDeleter<T, Free>>;

using RepoPtr = GitPtr<git_repository, git_repository_free>;   // an open repository
using TreePtr = GitPtr<git_tree, git_tree_free>;               // a tree
using CommitPtr = GitPtr<git_commit, git_commit_free>;         // a commit
using BlobPtr = GitPtr<git_blob, git_blob_free>;               // a blob
using RefPtr = GitPtr<git_reference, git_reference_free>;      // a reference
using IndexPtr = GitPtr<git_index, git_index_free>;            // an index
using SigPtr = GitPtr<git_signature, git_signature_free>;      // a signature
using ConfigPtr = GitPtr<git_config, git_config_free>;         // a configuration
using WalkPtr = GitPtr<git_revwalk, git_revwalk_free>;         // a revision walk
using EntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;  // a tree entry (owned)
using DiffPtr = GitPtr<git_diff, git_diff_free>;               // a diff
using AnnotatedPtr = GitPtr<git_annotated_commit, git_annotated_commit_free>;  // for merges
using BuilderPtr = GitPtr<git_treebuilder, git_treebuilder_free>;              // a tree builder
using StatusPtr = GitPtr<git_status_list, git_status_list_free>;               // a status list

// A libgit2 value that owns memory (a git_buf, a trailer array, a merge result), released by
// Free when it goes.
template <typename T, void (*Free)(T*)>
struct GitValue {
  T value{};  // what libgit2 fills; zero is each type's empty state (GIT_BUF_INIT)
  GitValue() = default;
  GitValue(const GitValue&) = delete;
  GitValue& operator=(const GitValue&) = delete;
  ~GitValue() { Free(&value); }
};
using GitBuf = GitValue<git_buf, git_buf_dispose>;  // a buffer libgit2 fills
// The bytes of a buffer libgit2 filled.
inline std::string buf_text(const git_buf& b) {
  return std::string(b.ptr ? b.ptr : "", b.size);
}

// Throws the one error type (exit 1, or `code`) with libgit2's last message when rc < 0.
void git_check(int rc, const char* what);

// One file written (content) or removed (nullopt) by a commit.
struct FileChange {
  std::string path;                    // path inside the repository, '/' separated
  std::optional<std::string> content;  // new bytes, or nullopt to delete
};

// Who made a commit and when.
struct Author {
  std::string name;    // the operator's name
  std::string email;   // the operator's email
  Time when;           // the author time (SDESK_NOW when set)
  int offset_minutes;  // the desk zone's UTC offset at `when`
  Time recorded = {};  // the committer time: the system clock (unset: `when`)
};

// A change in flight, written under .git/sdesk/ before the branch moves and removed once the
// work tree and index follow, so that the next command can finish or undo an interrupted one.
struct Journal {
  std::optional<git_oid> from;     // the branch before (nullopt: unborn)
  git_oid to{};                    // the branch after
  std::vector<std::string> paths;  // the files the change touches
};

// An open git repository with a working tree.
class Repo {
 public:
  // Opens the repository that contains dir (searching parents as git does); exit 3 if none.
  static Repo discover(const std::filesystem::path& dir);
  // Opens exactly the repository at dir (bare or not); exit 3 if none.
  static Repo open(const std::filesystem::path& dir);
  // Creates a new repository at dir with the initial branch of init.defaultBranch, else main.
  static Repo init(const std::filesystem::path& dir);
  // The raw handle, for code in lib/ that needs more of libgit2.
  git_repository* get() const { return repo_.get(); }
  // The working tree's root (empty for a bare repository).
  std::filesystem::path workdir() const;
  // The .git directory.
  std::filesystem::path gitdir() const;
  // Whether the repository is bare.
  bool bare() const;
  // The branch HEAD names, e.g. refs/heads/main (also when unborn).
  std::string head_branch() const;
  // The commit HEAD points at, or nullopt when the branch is unborn.
  std::optional<git_oid> head() const;
  // The tree of a commit.
  TreePtr tree_of(const git_oid& commit) const;
  // HEAD's tree, or null when unborn.
  TreePtr head_tree() const;
  // The bytes of a blob.
  std::string blob_text(const git_oid& blob) const;
  // The blob id at path in tree, or nullopt.
  std::optional<git_oid> blob_at(git_tree* tree, const std::string& path) const;
  // The bytes at path in tree, or nullopt.
  std::optional<std::string> read_at(git_tree* tree, const std::string& path) const;
  // Calls f(path, blob id) for every blob below dir ("" = everything) in tree, in tree order.
  void walk(git_tree* tree, const std::string& dir,
            const std::function<void(const std::string&, const git_oid&)>& f) const;
  // Writes one commit on HEAD's branch with these changes and moves the branch by
  // compare-and-swap, then updates the work tree files and index; throws LostRace when the
  // branch moved since HEAD was read. Returns the new commit id.
  git_oid commit(const std::vector<FileChange>& changes, const Author& author,
                 const std::string& message);
  // Writes a commit with the given tree and parents and moves HEAD's branch from `expected`.
  // Returns nullopt when the branch moved meanwhile.
  std::optional<git_oid> commit_tree(const git_oid& tree, const std::vector<git_oid>& parents,
                                     const Author& author, const std::string& message,
                                     const std::optional<git_oid>& expected);
  // Writes a commit object with the given tree and parents; moves no reference.
  git_oid write_commit(const git_oid& tree, const std::vector<git_oid>& parents,
                       const Author& author, const std::string& message);
  // Moves HEAD's branch to `to` from `expected`; false when the branch moved meanwhile.
  bool move_branch(const git_oid& to, const std::optional<git_oid>& expected,
                   const char* why = "sdesk");
  // Moves the branch from `from` to `to` through the journal and brings the work tree and
  // index of the paths that differ along; throws LostRace when the branch moved meanwhile.
  void advance(const std::optional<git_oid>& from, const git_oid& to,
               const std::vector<std::string>& paths);
  // Writes paths from HEAD's tree into the work tree and the index (after HEAD moved).
  void checkout_paths(const std::vector<std::string>& paths);
  // Starts `git gc --auto`, detached, once loose objects pass about 1,000 (gc.auto when the
  // config sets it; estimated from one object folder, as git does). Returns whether it did.
  bool pack_when_due() const;
  // Whether a journal or a git lock file is present (cheap: a few stats).
  bool left_behind() const;
  // Finishes or undoes a change a killed process left in the journal; says what it did.
  std::vector<std::string> recover_journal();
  // Removes git lock files (index, HEAD, packed-refs, config, any reference's) that no process
  // holds open and that are still there a moment later; says which.
  std::vector<std::string> clear_stale_locks();
  // Paths below the desk's object folders whose work tree and index are an older version of
  // HEAD's file (as a killed sdesk or git leaves them), brought up to HEAD; says which.
  std::vector<std::string> catch_up_worktree(const std::vector<std::string>& dirs);
  // The hash git would give the work tree file at path, or nullopt when it does not exist.
  std::optional<git_oid> hash_workfile(const std::string& path) const;
  // An SSH signature of a commit's content by user.signingkey (for `sdesk config sign true`).
  std::string ssh_sign(const std::string& content) const;
  // A configuration value from the repository's config (with global and system), or nullopt.
  std::optional<std::string> config(const std::string& key) const;
  // Sets a value in the repository's own config.
  void set_config(const std::string& key, const std::string& value);

 private:
  explicit Repo(git_repository* r) : repo_(r) {}
  RepoPtr repo_;
};

// Initialises libgit2 once for the process.
void git_library_init();
// An oid as 40 hex characters.
std::string oid_hex(const git_oid& id);
// Whether two oids are equal.
bool oid_eq(const git_oid& a, const git_oid& b);

}  // namespace sdesk
