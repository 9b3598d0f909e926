// Full-text ranking for Chinese and English text: terms are lower-cased words for Latin
// script and character unigrams plus bigrams for CJK runs (no word breaks needed), ranked by
// BM25F over weighted fields, with a snippet that marks what matched.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sdesk {

// The kind of a search term.
enum class TermKind { word, unigram, bigram };

// One term of a text: its key (a hash of the folded characters) and where it lies.
struct Term {
  std::uint64_t key = 0;           // hash of the term's folded code points and kind
  TermKind kind = TermKind::word;  // word, CJK unigram or CJK bigram
  size_t begin = 0;                // first code point in the text as given
  size_t end = 0;                  // one past the last code point in the text as given
};

// The terms of a text, in order (case folded; CJK as unigrams and bigrams).
std::vector<Term> search_terms(std::string_view text);
// The terms of a text as readable strings ("vpn", "打", "打印"), for tests and debugging.
std::vector<std::string> search_term_texts(std::string_view text);

// A document to rank: one text per field, in the order of the weights given to rank().
using SearchDoc = std::vector<std::string_view>;

// One ranked document.
struct SearchHit {
  size_t doc = 0;      // index into the documents given
  double score = 0.0;  // BM25F score, higher is better
};

// Ranks documents for a query by BM25F with per-field weights; documents that match no
// term (or, when the query has words or bigrams, match only single CJK characters) are left
// out. Best first; ties by document order. limit 0 = all.
std::vector<SearchHit> rank_documents(const std::vector<SearchDoc>& docs,
                                      const std::vector<double>& weights, std::string_view query,
                                      size_t limit = 0);

// How many of the query's significant terms (words and bigrams, or unigrams when it has
// none) occur in a text; used to choose which field a snippet shows.
size_t count_matches(std::string_view text, std::string_view query);

// A window of about `width` code points of text around its best match for the query, on one
// line, with each matched run wrapped in open/close (e.g. "【", "】") and "…" where cut.
std::string make_snippet(std::string_view text, std::string_view query, size_t width,
                         std::string_view open, std::string_view close);

}  // namespace sdesk
