#include "lib/util/search.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>

#include "lib/util/text.hpp"

namespace sdesk {

namespace {

bool is_cjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x20000 && c <= 0x2FA1F);
}

bool is_word_char(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

constexpr std::uint64_t fnv_offset = 1469598103934665603ULL;
constexpr std::uint64_t fnv_prime = 1099511628211ULL;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  for (int i = 0; i < 4; ++i) {
    h ^= (v >> (8 * i)) & 0xFF;
    h *= fnv_prime;
  }
  return h;
}

// Appends the case-folded form of one code point to a word hash.
std::uint64_t mix_folded(std::uint64_t h, char32_t c) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
    return mix(h, c);
  }
  for (char32_t f : code_points(fold_case(utf8(c)))) h = mix(h, f);
  return h;
}

// The terms of code points, positions relative to them.
void terms_of(const std::vector<char32_t>& cps, std::vector<Term>& out) {
  size_t n = cps.size();
  size_t i = 0;
  while (i < n) {
    char32_t c = cps[i];
    if (is_cjk(c)) {
      size_t j = i;
      while (j < n && is_cjk(cps[j])) ++j;
      for (size_t k = i; k < j; ++k) {
        out.push_back({mix(mix(fnv_offset, 1), cps[k]), TermKind::unigram, k, k + 1});
        if (k + 1 < j)
          out.push_back(
              {mix(mix(mix(fnv_offset, 2), cps[k]), cps[k + 1]), TermKind::bigram, k, k + 2});
      }
      i = j;
    } else if (is_word_char(c)) {
      std::uint64_t h = mix(fnv_offset, 3);
      size_t j = i;
      while (j < n && is_word_char(cps[j]) && !is_cjk(cps[j])) h = mix_folded(h, cps[j++]);
      out.push_back({h, TermKind::word, i, j});
      i = j;
    } else {
      ++i;
    }
  }
}

// The distinct terms of a query, with the ones that make a document a match.
struct Query {
  std::vector<std::uint64_t> keys;  // distinct term keys
  std::vector<double> weight;       // per key: 1 for words and bigrams, less for unigrams
  std::vector<bool> significant;    // per key: counts as a match on its own
};

Query parse_query(std::string_view text) {
  Query q;
  auto terms = search_terms(text);
  bool has_strong = std::any_of(terms.begin(), terms.end(),
                                [](const Term& t) { return t.kind != TermKind::unigram; });
  for (const auto& t : terms) {
    if (std::find(q.keys.begin(), q.keys.end(), t.key) != q.keys.end()) continue;
    q.keys.push_back(t.key);
    bool uni = t.kind == TermKind::unigram;
    q.weight.push_back(uni && has_strong ? 0.3 : 1.0);
    q.significant.push_back(!uni || !has_strong);
  }
  return q;
}

int key_index(const Query& q, std::uint64_t key) {
  for (size_t i = 0; i < q.keys.size(); ++i)
    if (q.keys[i] == key) return static_cast<int>(i);
  return -1;
}

// Which code points of a text are covered by a significant query term.
std::vector<bool> marks(const std::vector<char32_t>& cps, const Query& q) {
  std::vector<Term> terms;
  terms_of(cps, terms);
  std::vector<bool> m(cps.size(), false);
  for (const auto& t : terms) {
    int k = key_index(q, t.key);
    if (k < 0 || !q.significant[static_cast<size_t>(k)]) continue;
    for (size_t i = t.begin; i < t.end; ++i) m[i] = true;
  }
  return m;
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x3000;
}

}  // namespace

std::vector<Term> search_terms(std::string_view text) {
  std::vector<Term> out;
  terms_of(code_points(text), out);
  return out;
}

std::vector<std::string> search_term_texts(std::string_view text) {
  auto cps = code_points(text);
  std::vector<Term> terms;
  terms_of(cps, terms);
  std::vector<std::string> out;
  for (const auto& t : terms) {
    std::string s;
    for (size_t i = t.begin; i < t.end; ++i) s += utf8(cps[i]);
    out.push_back(fold_case(s));
  }
  return out;
}

std::vector<SearchHit> rank_documents(const std::vector<SearchDoc>& docs,
                                      const std::vector<double>& weights, std::string_view query,
                                      size_t limit) {
  const double k1 = 1.2, b = 0.75;
  Query q = parse_query(query);
  size_t nq = q.keys.size(), nf = weights.size();
  std::vector<SearchHit> hits;
  if (nq == 0 || docs.empty()) return hits;
  // Per document and field: the length in terms and the count of each query term.
  std::vector<std::uint32_t> len(docs.size() * nf, 0);
  std::vector<std::uint32_t> tf(docs.size() * nf * nq, 0);
  std::vector<double> avg(nf, 0.0);
  std::vector<std::uint32_t> df(nq, 0);
  std::vector<Term> terms;
  for (size_t d = 0; d < docs.size(); ++d) {
    std::vector<bool> seen(nq, false);
    for (size_t f = 0; f < nf && f < docs[d].size(); ++f) {
      terms.clear();
      terms_of(code_points(docs[d][f]), terms);
      len[d * nf + f] = static_cast<std::uint32_t>(terms.size());
      avg[f] += static_cast<double>(terms.size());
      for (const auto& t : terms) {
        int k = key_index(q, t.key);
        if (k < 0) continue;
        tf[(d * nf + f) * nq + static_cast<size_t>(k)]++;
        seen[static_cast<size_t>(k)] = true;
      }
    }
    for (size_t k = 0; k < nq; ++k) df[k] += seen[k] ? 1 : 0;
  }
  for (auto& a : avg) a = std::max(1.0, a / static_cast<double>(docs.size()));
  double n = static_cast<double>(docs.size());
  for (size_t d = 0; d < docs.size(); ++d) {
    double score = 0.0;
    bool matched = false;
    for (size_t k = 0; k < nq; ++k) {
      double w = 0.0;
      for (size_t f = 0; f < nf; ++f) {
        double c = tf[(d * nf + f) * nq + k];
        if (c == 0) continue;
        double norm = 1.0 - b + b * static_cast<double>(len[d * nf + f]) / avg[f];
        w += weights[f] * c / norm;
      }
      if (w == 0.0) continue;
      if (q.significant[k]) matched = true;
      double idf = std::log(1.0 + (n - df[k] + 0.5) / (df[k] + 0.5));
      score += q.weight[k] * idf * w / (k1 + w);
    }
    if (matched && score > 0.0) hits.push_back({d, score});
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const SearchHit& a, const SearchHit& c) { return a.score > c.score; });
  if (limit && hits.size() > limit) hits.resize(limit);
  return hits;
}

size_t count_matches(std::string_view text, std::string_view query) {
  Query q = parse_query(query);
  size_t count = 0;
  for (const auto& t : search_terms(text)) {
    int k = key_index(q, t.key);
    if (k >= 0 && q.significant[static_cast<size_t>(k)]) ++count;
  }
  return count;
}

std::string make_snippet(std::string_view text, std::string_view query, size_t width,
                         std::string_view open, std::string_view close) {
  auto cps = code_points(text);
  Query q = parse_query(query);
  auto m = marks(cps, q);
  size_t n = cps.size();
  if (width == 0) width = 1;
  size_t start = 0;
  if (n > width) {
    // The window with the most matched characters; the earliest such one.
    size_t count = 0, best = 0, best_start = 0;
    for (size_t i = 0; i < n; ++i) {
      count += m[i];
      if (i >= width) count -= m[i - width];
      if (i + 1 >= width && count > best) best = count, best_start = i + 1 - width;
    }
    size_t first = best_start;
    while (first < n && !m[first]) ++first;
    if (first == n) first = 0;
    size_t lead = width / 5;
    start = std::min(best_start, first > lead ? first - lead : 0);
    start = std::min(start, n - width);
  }
  size_t end = std::min(n, start + width);
  std::string out = start > 0 ? "…" : "";
  bool in_mark = false, last_space = false;
  for (size_t i = start; i < end; ++i) {
    if (m[i] && !in_mark) out += open, in_mark = true;
    if (!m[i] && in_mark) out += close, in_mark = false;
    if (is_space(cps[i])) {
      if (!last_space) out += ' ';
      last_space = true;
      continue;
    }
    last_space = false;
    out += utf8(cps[i]);
  }
  if (in_mark) out += close;
  if (end < n) out += "…";
  return out;
}

}  // namespace sdesk
