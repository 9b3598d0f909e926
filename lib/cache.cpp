#include "lib/cache.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "lib/error.hpp"

namespace sdesk {

namespace fs = std::filesystem;

namespace {

// File layout (native byte order; the cache never leaves its clone):
//   "SDESKIX1" | u32 stamp length, stamp | u64 checksum of the rest | 20-byte tickets tree id
//   | u32 entry count | entries: 20-byte blob id, 8 strings (path, id, status, tier, priority,
//   assignee, customer, created_at), payload — each string and the payload as u32 length + bytes.
constexpr std::string_view kMagic = "SDESKIX1";
constexpr int kVersion = 1;
constexpr int kHeadStrings = 8;

// What makes a cache valid for this program: the format, the Ticket layout and the binary
// itself (a new build may fold differently, so its cache is rebuilt).
const std::string& build_stamp() {
  static const std::string stamp = [] {
    std::string s =
        "sdesk-ticket-cache " + std::to_string(kVersion) + " " + std::to_string(sizeof(Ticket));
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      auto size = fs::file_size(exe, ec);
      if (!ec) s += " " + std::to_string(size);
      auto mtime = fs::last_write_time(exe, ec);
      if (!ec) s += " " + std::to_string(mtime.time_since_epoch().count());
    }
    return s;
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
  std::uint32_t u32() {
    std::uint32_t v = 0;
    auto b = bytes(4);
    if (ok) std::memcpy(&v, b.data(), 4);
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    auto b = bytes(8);
    if (ok) std::memcpy(&v, b.data(), 8);
    return v;
  }
  std::string_view str() { return bytes(u32()); }
};

void put_u32(std::string& out, std::uint32_t v) {
  out.append(reinterpret_cast<char*>(&v), 4);
}
void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// One ticket file as a scan sees it: its blob, path and head, and either cached bytes or a
// ticket just parsed.
struct Entry {
  git_oid blob;
  std::string_view path;
  TicketHead head;
  std::string_view payload;
  std::optional<Ticket> fresh;
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

// A loaded cache file: its bytes and entries pointing into them.
struct Loaded {
  std::string bytes;
  git_oid tree{};
  std::vector<Entry> entries;
  std::unordered_map<git_oid, size_t, OidHash, OidEq> by_blob;
};

std::optional<Loaded> load_cache(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  Loaded l;
  l.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  Reader r{l.bytes};
  if (r.bytes(kMagic.size()) != kMagic || r.str() != build_stamp()) return std::nullopt;
  std::uint64_t sum = r.u64();
  if (!r.ok || checksum(std::string_view(l.bytes).substr(r.pos)) != sum) return std::nullopt;
  auto tree = r.bytes(GIT_OID_RAWSZ);
  if (!r.ok) return std::nullopt;
  std::memcpy(l.tree.id, tree.data(), GIT_OID_RAWSZ);
  std::uint32_t n = r.u32();
  if (!r.ok || n > l.bytes.size()) return std::nullopt;
  l.entries.resize(n);
  for (auto& e : l.entries) {
    auto oid = r.bytes(GIT_OID_RAWSZ);
    if (!r.ok) return std::nullopt;
    std::memcpy(e.blob.id, oid.data(), GIT_OID_RAWSZ);
    e.path = r.str();
    e.head = {r.str(), r.str(), r.str(), r.str(), r.str(), r.str(), r.str()};
    e.payload = r.str();
    if (!r.ok) return std::nullopt;
  }
  if (r.pos != l.bytes.size()) return std::nullopt;
  for (size_t i = 0; i < l.entries.size(); ++i) l.by_blob.emplace(l.entries[i].blob, i);
  return l;
}

void save_cache(const fs::path& file, const git_oid& tree, const std::vector<Entry>& entries) {
  std::string body(reinterpret_cast<const char*>(tree.id), GIT_OID_RAWSZ);
  put_u32(body, static_cast<std::uint32_t>(entries.size()));
  for (const auto& e : entries) {
    body.append(reinterpret_cast<const char*>(e.blob.id), GIT_OID_RAWSZ);
    for (auto s : {e.path, e.head.id, e.head.status, e.head.tier, e.head.priority, e.head.assignee,
                   e.head.customer, e.head.created_at})
      put_str(body, s);
    put_str(body, e.payload);
  }
  std::string out(kMagic);
  put_str(out, build_stamp());
  std::uint64_t sum = checksum(body);
  out.append(reinterpret_cast<char*>(&sum), 8);
  out += body;
  // A derived file: failing to write it only costs the next scan time, never correctness.
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  fs::path tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) fs::remove(tmp, ec);
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
  git_oid tree = *git_tree_entry_id(te);

  fs::path file = ticket_cache_path(repo);
  std::optional<Loaded> cache = load_cache(file);
  st.cache_ok = cache.has_value();
  bool changed = !cache;

  // Owned storage for entries parsed in this scan (their views point here).
  std::deque<std::string> owned;
  auto own = [&](std::string s) -> std::string_view { return owned.emplace_back(std::move(s)); };
  auto fill_fresh = [&](Entry& e, Ticket t) {
    e.payload = own(encode_cached_ticket(t));
    e.head = {own(t.id),       own(t.status),   own(t.tier),      own(t.priority),
              own(t.assignee), own(t.customer), own(t.created_at)};
    e.fresh = std::move(t);
  };
  auto parse_blob = [&](Entry& e) {
    fill_fresh(e, parse_ticket_fast(repo.blob_text(e.blob), std::string(e.path)));
    ++st.parsed;
  };

  std::vector<Entry> entries;
  if (cache && oid_eq(cache->tree, tree)) {
    entries = std::move(cache->entries);
    st.reused = entries.size();
  } else {
    st.walked = true;
    changed = true;
    repo.walk(root, "tickets", [&](const std::string& path, const git_oid& blob) {
      if (!is_ticket_file(path)) return;
      Entry e;
      e.blob = blob;
      if (cache) {
        auto it = cache->by_blob.find(blob);
        if (it != cache->by_blob.end() && cache->entries[it->second].path == path) {
          e = cache->entries[it->second];
          ++st.reused;
          entries.push_back(std::move(e));
          return;
        }
      }
      e.path = own(path);
      parse_blob(e);
      entries.push_back(std::move(e));
    });
  }
  st.files = entries.size();

  out.reserve(keep ? 0 : entries.size());
  for (auto& e : entries) {
    if (keep && !keep(e.head)) continue;
    if (e.fresh) {
      out.push_back(*e.fresh);
      continue;
    }
    try {
      out.push_back(decode_cached_ticket(e.payload));
      ++st.decoded;
    } catch (const std::exception&) {
      // A damaged entry: read the file itself and rewrite the cache.
      changed = true;
      parse_blob(e);
      if (keep && !keep(e.head)) continue;
      out.push_back(*e.fresh);
    }
  }
  if (changed) {
    save_cache(file, tree, entries);
    st.saved = true;
  }
  return out;
}

}  // namespace sdesk
