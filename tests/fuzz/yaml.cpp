// Fuzz target: the YAML codec (parse_yaml, emit_yaml) and the parsers of the event-sourced
// objects (tickets, knowledge-base articles, complaints), strict and fast.
// Properties: bad input is refused with sdesk::Error only; a document that parses is emitted
// as YAML that parses back to the same document; an object that parses is written back as a
// file that parses to the same state.
#include "lib/util/yaml.hpp"

#include "lib/kb/kb.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/time.hpp"
#include "tests/fuzz/fuzz.hpp"

using namespace sdesk;

namespace {

// Checks that a document survives emit_yaml then parse_yaml unchanged.
void round_trip(const Json& doc) {
  std::string again = emit_yaml(doc, "header\ncomment");
  Parsed back;
  std::string why;
  try {
    back = parse_yaml(again, "again.yaml");
  } catch (const Error& e) {
    why = e.what();
  }
  fuzz::check(why.empty(), "emit_yaml wrote YAML that parse_yaml refuses",
              [&] { return why + "\n" + again; });
  fuzz::check(back.doc == doc, "emit_yaml then parse_yaml changed the document", [&] {
    return std::string(doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n---\n" +
                       again + "\n---\n" +
                       back.doc.dump(-1, ' ', false, Json::error_handler_t::replace));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::text_of(data, size);
  Parsed p;
  if (fuzz::accepted([&] { p = parse_yaml(text, "fuzz.yaml"); })) round_trip(p.doc);

  Ticket t;
  if (fuzz::accepted([&] { t = parse_ticket(text, "tickets/2026/03/T-2603-0000000.yaml"); })) {
    std::string again = ticket_yaml(t);
    Ticket back;
    bool ok = fuzz::accepted([&] { back = parse_ticket(again, "again.yaml"); });
    fuzz::check(ok, "a ticket that parses is written back as a file that does not",
                [&] { return std::string(again); });
    fuzz::check(ticket_file_json(back) == ticket_file_json(t), "a ticket changed on rewrite",
                [&] { return std::string(again); });
  }
  fuzz::accepted([&] { parse_ticket_fast(text, "tickets/2026/03/T-2603-0000000.yaml"); });

  Article a;
  if (fuzz::accepted([&] { a = parse_article(text, "kb/KB-0000000.yaml"); })) {
    std::string again = article_yaml(a);
    Article back;
    bool ok = fuzz::accepted([&] { back = parse_article(again, "again.yaml"); });
    fuzz::check(ok, "an article that parses is written back as a file that does not",
                [&] { return std::string(again); });
    fuzz::check(article_file_json(back) == article_file_json(a), "an article changed on rewrite",
                [&] { return std::string(again); });
  }
  fuzz::accepted([&] { parse_article_fast(text, "kb/KB-0000000.yaml"); });

  static const Time now = parse_time("2026-03-02T09:00:00+08:00", find_zone("UTC"), "now");
  Complaint c;
  if (fuzz::accepted([&] { c = parse_complaint(text, "complaints/2026/C-0000000.yaml", now); })) {
    std::string again = emit_yaml(complaint_file_json(c));
    Complaint back;
    bool ok = fuzz::accepted([&] { back = parse_complaint(again, "again.yaml", now); });
    fuzz::check(ok, "a complaint that parses is written back as a file that does not",
                [&] { return std::string(again); });
    fuzz::check(complaint_file_json(back) == complaint_file_json(c),
                "a complaint changed on rewrite", [&] { return std::string(again); });
  }
  return 0;
}
