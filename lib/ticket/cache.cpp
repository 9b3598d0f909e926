#include "lib/ticket/cache.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>
#include <unordered_map>

#include "lib/util/error.hpp"

namespace sdesk {

namespace fs = std::filesystem;

namespace {

// Two files (native byte order; the cache never leaves its clone):
//
// tickets.cache, the heads, rewritten atomically after a scan that changed anything:
//   "SDESKIX2" | u32 stamp length, stamp | u64 checksum of the rest | u64 bodies generation
//   | u32 tree count | trees: string path, 20-byte tree id, u32 first entry, u32 end entry
//   | u32 entry count | entries: 20-byte blob id, 9 strings (path, id, status, tier, priority,
//   assignee, customer, created_at, closed_at), u64 body offset, u32 body length, u64 body
//   checksum.
//   Each string is a u32 length + bytes. Trees are every tree below (and with) tickets/, in
//   pre-order; a tree's entries are the contiguous range it holds, so an unchanged subtree is
//   reused whole without reading it.
//
// tickets.bodies.<generation>, the folded tickets (msgpack), append-only: a scan appends what it
//   parsed with one O_APPEND write, and rewrites the file under the next generation only when
//   dead bodies outweigh live ones. A body is used only when its own checksum matches, so a torn
//   or damaged body costs one parse of its file, never a wrong answer.
constexpr std::string_view kMagic = "SDESKIX2";
constexpr int kVersion = 3;

// What makes a cache valid for this program: the format, the Ticket layout and the binary
// itself (a new build may fold differently, so its cache is rebuilt).
const std::string& build_stamp() {
  static const std::string stamp = [] {
    std::string s =
        "sdesk-ticket-cache " + std::to_string(kVersion) + " " + std::to_string(sizeof(Ticket));
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    std::uintmax_t size = ec ? 0 : fs::file_size(exe, ec);
    auto mtime = ec ? fs::file_time_type() : fs::last_write_time(exe, ec);
    // A binary that cannot be told (no /proc, replaced while running) trusts no cache but its own.
    if (ec)
      return s + " unknown " + std::to_string(::getpid()) + " " + std::to_string(::time(nullptr));
    return s + " " + std::to_string(size) + " " + std::to_string(mtime.time_since_epoch().count());
  }();
  return stamp;
}

// A 64-bit checksum, eight bytes at a time (catches truncation and flipped bits).
std::uint64_t checksum(std::string_view data) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ data.size();
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    h ^= w * 0xC2B2AE3D27D4EB4FULL;
    h = ((h << 31) | (h >> 33)) * 0x9E3779B185EBCA87ULL;
  }
  for (; i < data.size(); ++i) h = (h ^ static_cast<unsigned char>(data[i])) * 0x100000001B3ULL;
  return h ^ (h >> 29);
}

// Reads fixed-size values and length-prefixed strings from a buffer; fails on overrun.
struct Reader {
  std::string_view buf;
  size_t pos = 0;
  bool ok = true;
  std::string_view bytes(size_t n) {
    if (!ok || buf.size() - pos < n) {
      ok = false;
      return {};
    }
    auto s = buf.substr(pos, n);
    pos += n;
    return s;
  }
  template <typename T>
  T num() {
    T v{};
    auto b = bytes(sizeof v);
    if (ok) std::memcpy(&v, b.data(), sizeof v);
    return v;
  }
  std::uint32_t u32() { return num<std::uint32_t>(); }
  std::uint64_t u64() { return num<std::uint64_t>(); }
  std::string_view str() { return bytes(u32()); }
  void oid(git_oid& id) {
    auto b = bytes(GIT_OID_RAWSZ);
    if (ok) std::memcpy(id.id, b.data(), GIT_OID_RAWSZ);
  }
};

template <typename T>
void put_num(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_str(std::string& out, std::string_view s) {
  put_num(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}
void put_oid(std::string& out, const git_oid& id) {
  out.append(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
}

// One ticket file as a scan sees it: its blob, path and head, and either a cached body (offset,
// length and checksum in the bodies file) or a ticket just parsed.
struct Entry {
  git_oid blob{};
  std::string_view path;
  TicketHead head;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  std::uint64_t sum = 0;
  bool fresh = false;        // parsed in this scan (not read from the cache)
  std::string_view payload;  // the fresh ticket's encoded body
  Ticket* ticket = nullptr;  // the fresh ticket when the scan keeps it
};

// One tree below tickets/ and the range of entries it holds.
struct TreeRange {
  std::string_view path;
  git_oid id{};
  std::uint32_t begin = 0, end = 0;
};

struct OidHash {
  size_t operator()(const git_oid& o) const {
    size_t h;
    std::memcpy(&h, o.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return oid_eq(a, b); }
};

// A read-only mapping of a cache file (never changed in place: files are replaced by rename or
// appended to); empty when it cannot be mapped. `populate` reads it all in at once.
class Mapping {
 public:
  explicit Mapping(const fs::path& file, bool populate = false) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat sb;
    if (::fstat(fd, &sb) == 0 && sb.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<size_t>(sb.st_size), PROT_READ,
                       MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const char*>(p);
        size_ = static_cast<size_t>(sb.st_size);
      }
    }
    ::close(fd);
  }
  ~Mapping() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  // The body at [offset, offset + length) when it lies in the file and matches its checksum.
  std::optional<std::string_view> body(const Entry& e) const {
    if (e.offset > size_ || size_ - e.offset < e.length) return std::nullopt;
    std::string_view b(data_ + e.offset, e.length);
    if (checksum(b) != e.sum) return std::nullopt;
    return b;
  }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// A loaded heads file: its bytes, and trees and entries pointing into them.
struct Loaded {
  std::unique_ptr<Mapping> file;
  std::string_view bytes;
  std::uint64_t generation = 0;
  std::vector<TreeRange> trees;
  std::vector<Entry> entries;
};

std::optional<Loaded> load_heads(const fs::path& file) {
  Loaded l;
  l.file = std::make_unique<Mapping>(file, true);
  l.bytes = l.file->view();
  Reader r{l.bytes};
  if (r.bytes(kMagic.size()) != kMagic || r.str() != build_stamp()) return std::nullopt;
  std::uint64_t sum = r.u64();
  if (!r.ok || checksum(l.bytes.substr(r.pos)) != sum) return std::nullopt;
  l.generation = r.u64();
  std::uint32_t nt = r.u32();
  if (!r.ok || nt > l.bytes.size()) return std::nullopt;
  l.trees.resize(nt);
  for (auto& t : l.trees) {
    t.path = r.str();
    r.oid(t.id);
    t.begin = r.u32();
    t.end = r.u32();
  }
  std::uint32_t n = r.u32();
  if (!r.ok || n > l.bytes.size()) return std::nullopt;
  l.entries.resize(n);
  for (auto& e : l.entries) {
    r.oid(e.blob);
    e.path = r.str();
    e.head = {r.str(), r.str(), r.str(), r.str(), r.str(), r.str(), r.str(), r.str()};
    e.offset = r.u64();
    e.length = r.u32();
    e.sum = r.u64();
    if (!r.ok) return std::nullopt;
  }
  if (r.pos != l.bytes.size()) return std::nullopt;
  for (const auto& t : l.trees)
    if (t.begin > t.end || t.end > n) return std::nullopt;
  return l;
}

fs::path bodies_path(const fs::path& heads, std::uint64_t generation) {
  fs::path p = heads;
  p.replace_filename("tickets.bodies." + std::to_string(generation));
  return p;
}

// Writes bytes to file through a temporary file and a rename; false when it could not.
bool write_atomic(const fs::path& file, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  fs::path tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) {
      fs::remove(tmp, ec);
      return false;
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

// Appends bytes to an existing file with one O_APPEND write; the offset they landed at, or
// nullopt (missing file, short write).
std::optional<std::uint64_t> append_bytes(const fs::path& file, const std::string& bytes) {
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  ssize_t n = ::write(fd, bytes.data(), bytes.size());
  off_t end = ::lseek(fd, 0, SEEK_CUR);
  ::close(fd);
  if (n < 0 || static_cast<size_t>(n) != bytes.size() || end < n) return std::nullopt;
  return static_cast<std::uint64_t>(end - n);
}

// Removes bodies files of other generations (left by a rewrite or a rebuild).
void remove_other_generations(const fs::path& heads, std::uint64_t keep) {
  std::error_code ec;
  std::string want = bodies_path(heads, keep).filename().string();
  for (const auto& f : fs::directory_iterator(heads.parent_path(), ec)) {
    std::string name = f.path().filename().string();
    if (name.rfind("tickets.bodies.", 0) == 0 && name != want) fs::remove(f.path(), ec);
  }
}

// Writes the bodies of fresh entries (appended to the current generation, or every body into a
// new generation when dead bodies would outweigh live ones) and then the heads. A derived
// file: failing to write costs the next scan time, never correctness.
void save_cache(const fs::path& file, std::uint64_t generation, const Mapping& old_bodies,
                const std::vector<TreeRange>& trees, std::vector<Entry>& entries) {
  std::uint64_t live = 0, added = 0;
  for (const auto& e : entries) {
    live += e.fresh ? e.payload.size() : e.length;
    if (e.fresh) added += e.payload.size();
  }
  bool have_file = old_bodies.size() > 0 || fs::exists(bodies_path(file, generation));
  bool rewrite = generation == 0 || !have_file ||
                 old_bodies.size() + added > 2 * live + (std::uint64_t{4} << 20);
  std::string out;
  if (!rewrite) {
    for (auto& e : entries)
      if (e.fresh) {
        e.offset = out.size();
        e.length = static_cast<std::uint32_t>(e.payload.size());
        e.sum = checksum(e.payload);
        out += e.payload;
      }
    if (!out.empty()) {
      auto at = append_bytes(bodies_path(file, generation), out);
      if (!at)
        rewrite = true;
      else
        for (auto& e : entries)
          if (e.fresh) e.offset += *at;
    }
  }
  if (rewrite) {
    ++generation;
    out.clear();
    out.reserve(live);
    for (auto& e : entries) {
      std::string_view b = e.payload;
      if (!e.fresh) b = old_bodies.body(e).value_or(std::string_view());
      e.offset = out.size();
      e.length = static_cast<std::uint32_t>(b.size());
      e.sum = checksum(b);
      out += b;
    }
    if (!write_atomic(bodies_path(file, generation), out)) return;
  }

  std::string body;
  put_num(body, generation);
  put_num(body, static_cast<std::uint32_t>(trees.size()));
  for (const auto& t : trees) {
    put_str(body, t.path);
    put_oid(body, t.id);
    put_num(body, t.begin);
    put_num(body, t.end);
  }
  put_num(body, static_cast<std::uint32_t>(entries.size()));
  for (const auto& e : entries) {
    put_oid(body, e.blob);
    for (auto s : {e.path, e.head.id, e.head.status, e.head.tier, e.head.priority, e.head.assignee,
                   e.head.customer, e.head.created_at, e.head.closed_at})
      put_str(body, s);
    put_num(body, e.offset);
    put_num(body, e.length);
    put_num(body, e.sum);
  }
  std::string heads(kMagic);
  put_str(heads, build_stamp());
  put_num(heads, checksum(body));
  heads += body;
  if (write_atomic(file, heads) && rewrite) remove_other_generations(file, generation);
}

bool is_ticket_file(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0;
}

Json opt_str(const std::string& s) {
  return Json(s);
}

std::string str_at(const Json& a, size_t i) {
  return a.at(i).get<std::string>();
}

}  // namespace

std::string encode_cached_ticket(const Ticket& t) {
  Json illegal = Json::object();
  for (const auto& [k, v] : t.illegal) illegal[k] = v;
  Json events = Json::array();
  for (const auto& e : t.events) events.push_back(e);
  Json a = Json::array({opt_str(t.id),
                        opt_str(t.title),
                        opt_str(t.status),
                        opt_str(t.tier),
                        opt_str(t.priority),
                        opt_str(t.category),
                        opt_str(t.channel),
                        t.major,
                        opt_str(t.parent),
                        opt_str(t.customer),
                        opt_str(t.contact),
                        opt_str(t.need),
                        opt_str(t.required_by),
                        t.environment,
                        opt_str(t.owner),
                        opt_str(t.assignee),
                        opt_str(t.vendor),
                        opt_str(t.created_at),
                        opt_str(t.responded_at),
                        opt_str(t.resolved_at),
                        opt_str(t.closed_at),
                        opt_str(t.pending_reason),
                        t.reopen_count,
                        t.escalations,
                        t.kb,
                        t.aliases,
                        std::move(events),
                        std::move(illegal),
                        t.left_l1,
                        t.to_vendor});
  auto bytes = Json::to_msgpack(a);
  return std::string(bytes.begin(), bytes.end());
}

Ticket decode_cached_ticket(std::string_view bytes) {
  Json a = Json::from_msgpack(bytes.begin(), bytes.end());
  if (!a.is_array() || a.size() != 30) throw std::runtime_error("cached ticket: bad shape");
  Ticket t;
  t.id = str_at(a, 0);
  t.title = str_at(a, 1);
  t.status = str_at(a, 2);
  t.tier = str_at(a, 3);
  t.priority = str_at(a, 4);
  t.category = str_at(a, 5);
  t.channel = str_at(a, 6);
  t.major = a.at(7).get<bool>();
  t.parent = str_at(a, 8);
  t.customer = str_at(a, 9);
  t.contact = str_at(a, 10);
  t.need = str_at(a, 11);
  t.required_by = str_at(a, 12);
  t.environment = std::move(a.at(13));
  t.owner = str_at(a, 14);
  t.assignee = str_at(a, 15);
  t.vendor = str_at(a, 16);
  t.created_at = str_at(a, 17);
  t.responded_at = str_at(a, 18);
  t.resolved_at = str_at(a, 19);
  t.closed_at = str_at(a, 20);
  t.pending_reason = str_at(a, 21);
  t.reopen_count = a.at(22).get<int>();
  t.escalations = std::move(a.at(23));
  t.kb = a.at(24).get<std::vector<std::string>>();
  t.aliases = a.at(25).get<std::vector<std::string>>();
  auto& events = a.at(26);
  if (!events.is_array()) throw std::runtime_error("cached ticket: bad events");
  t.events.reserve(events.size());
  for (auto& e : events) t.events.push_back(std::move(e));
  for (auto& [k, v] : a.at(27).items()) t.illegal[k] = v.get<std::string>();
  t.left_l1 = a.at(28).get<bool>();
  t.to_vendor = a.at(29).get<bool>();
  return t;
}

fs::path ticket_cache_path(const Repo& repo) {
  return repo.gitdir() / "sdesk" / "tickets.cache";
}

std::vector<Ticket> cached_tickets(const Repo& repo, git_tree* root, const HeadFilter& keep,
                                   ScanStats* stats) {
  ScanStats local;
  ScanStats& st = stats ? *stats : local;
  std::vector<Ticket> out;
  if (!root) return out;
  git_tree_entry* te = nullptr;
  if (git_tree_entry_bypath(&te, root, "tickets") < 0) return out;
  EntryPtr tickets_entry(te);
  if (git_tree_entry_type(te) != GIT_OBJECT_TREE) return out;
  git_oid tickets_tree = *git_tree_entry_id(te);

  fs::path file = ticket_cache_path(repo);
  std::optional<Loaded> cache = load_heads(file);
  st.cache_ok = cache.has_value();
  bool changed = !cache;
  std::uint64_t generation = cache ? cache->generation : 0;
  Mapping bodies(bodies_path(file, generation));

  // Owned storage for entries parsed in this scan (their views point here).
  std::deque<std::string> owned;
  std::deque<Ticket> parsed;
  auto own = [&](std::string s) -> std::string_view { return owned.emplace_back(std::move(s)); };
  auto parse_blob = [&](Entry& e) {
    Ticket t = parse_ticket_fast(repo.blob_text(e.blob), std::string(e.path));
    e.payload = own(encode_cached_ticket(t));
    e.head = {own(t.id),       own(t.status),   own(t.tier),       own(t.priority),
              own(t.assignee), own(t.customer), own(t.created_at), own(t.closed_at)};
    e.fresh = true;
    if (!keep || keep(e.head)) e.ticket = &parsed.emplace_back(std::move(t));
    ++st.parsed;
  };

  std::vector<Entry> entries;
  std::vector<TreeRange> trees;
  if (cache && !cache->trees.empty() && oid_eq(cache->trees[0].id, tickets_tree)) {
    entries = std::move(cache->entries);
    trees = std::move(cache->trees);
    st.reused = entries.size();
  } else {
    // Walk the tickets tree; a subtree whose id is cached is taken whole, unread.
    st.walked = true;
    changed = true;
    std::unordered_map<std::string_view, size_t> tree_at;
    std::unordered_map<git_oid, size_t, OidHash, OidEq> by_blob;  // built on first need
    if (cache)
      for (size_t i = 0; i < cache->trees.size(); ++i) tree_at.emplace(cache->trees[i].path, i);
    auto cached_blob = [&](const git_oid& blob, const std::string& path) -> const Entry* {
      if (!cache) return nullptr;
      if (by_blob.empty())
        for (size_t i = 0; i < cache->entries.size(); ++i)
          by_blob.emplace(cache->entries[i].blob, i);
      auto hit = by_blob.find(blob);
      if (hit == by_blob.end() || cache->entries[hit->second].path != path) return nullptr;
      return &cache->entries[hit->second];
    };
    std::function<void(const git_oid&, const std::string&)> visit = [&](const git_oid& id,
                                                                        const std::string& path) {
      if (auto it = tree_at.find(path);
          it != tree_at.end() && oid_eq(cache->trees[it->second].id, id)) {
        // Unchanged: this tree's entries and its subtrees' ranges, shifted to where they land.
        const TreeRange& old = cache->trees[it->second];
        auto shift = static_cast<std::int64_t>(entries.size()) - old.begin;
        for (size_t i = it->second; i < cache->trees.size(); ++i) {
          const TreeRange& t = cache->trees[i];
          if (i > it->second && !(t.path.size() > path.size() && t.path[path.size()] == '/' &&
                                  t.path.compare(0, path.size(), path) == 0))
            break;
          trees.push_back({t.path, t.id, static_cast<std::uint32_t>(t.begin + shift),
                           static_cast<std::uint32_t>(t.end + shift)});
        }
        entries.insert(entries.end(), cache->entries.begin() + old.begin,
                       cache->entries.begin() + old.end);
        st.reused += old.end - old.begin;
        return;
      }
      git_tree* raw = nullptr;
      git_check(git_tree_lookup(&raw, repo.get(), &id), "read tree");
      TreePtr tree(raw);
      size_t me = trees.size();
      trees.push_back({own(path), id, static_cast<std::uint32_t>(entries.size()), 0});
      size_t n = git_tree_entrycount(tree.get());
      for (size_t i = 0; i < n; ++i) {
        const git_tree_entry* x = git_tree_entry_byindex(tree.get(), i);
        std::string child = path + "/" + git_tree_entry_name(x);
        if (git_tree_entry_type(x) == GIT_OBJECT_TREE) {
          visit(*git_tree_entry_id(x), child);
          continue;
        }
        if (git_tree_entry_type(x) != GIT_OBJECT_BLOB || !is_ticket_file(child)) continue;
        const git_oid& blob = *git_tree_entry_id(x);
        if (const Entry* hit = cached_blob(blob, child)) {
          entries.push_back(*hit);
          ++st.reused;
          continue;
        }
        Entry e;
        e.blob = blob;
        e.path = own(child);
        parse_blob(e);
        entries.push_back(std::move(e));
      }
      trees[me].end = static_cast<std::uint32_t>(entries.size());
    };
    visit(tickets_tree, "tickets");
  }
  st.files = entries.size();

  out.reserve(keep ? 0 : entries.size());
  for (auto& e : entries) {
    if (e.fresh) {
      if (e.ticket) out.push_back(std::move(*e.ticket));
      continue;
    }
    if (keep && !keep(e.head)) continue;
    try {
      auto b = bodies.body(e);
      if (!b) throw std::runtime_error("cached ticket: damaged body");
      out.push_back(decode_cached_ticket(*b));
      ++st.decoded;
    } catch (const std::exception&) {
      // A missing or damaged body: read the file itself and cache it again.
      changed = true;
      parse_blob(e);
      if (e.ticket) out.push_back(std::move(*e.ticket));
    }
  }
  if (changed) {
    save_cache(file, generation, bodies, trees, entries);
    st.saved = true;
  }
  return out;
}

}  // namespace sdesk
