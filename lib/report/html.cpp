#include "lib/report/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "lib/quality/surveys.hpp"
#include "lib/report/kpi.hpp"

namespace sdesk {

namespace {

constexpr int kWidth = 720;
constexpr int kHeight = 260;
constexpr int kLeft = 48;
constexpr int kRight = 16;
constexpr int kTop = 32;
constexpr int kBottom = 40;

std::string value_text(double v, bool percent) {
  if (percent) return fmt::format("{:.0f}%", v * 100);
  if (std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}", v);
  return fmt::format("{:.2f}", v);
}

std::string svg_open(const std::string& title, const std::string& css_class) {
  return fmt::format(
      "<svg class=\"chart {}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>\n"
      "<text x=\"{}\" y=\"20\" class=\"t\">{}</text>\n",
      css_class, kWidth, kHeight, kWidth, kHeight, html_escape(title), html_escape(title), kLeft,
      html_escape(title));
}

std::string axes(double top, bool percent) {
  int h = kHeight - kTop - kBottom;
  std::string out;
  for (int i = 0; i <= 4; ++i) {
    double y = kTop + h - h * i / 4.0;
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" class=\"g\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" class=\"a\" text-anchor=\"end\">{}</text>\n",
        kLeft, y, kWidth - kRight, y, kLeft - 6, y + 4, value_text(top * i / 4.0, percent));
  }
  return out;
}

double nice_top(double max, bool percent) {
  if (percent) return 1.0;
  if (max <= 0) return 1.0;
  double p = std::pow(10.0, std::floor(std::log10(max)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (max <= m * p) return m * p;
  return 10 * p;
}

const char* kColors[] = {"#2f6fb0", "#d9822b", "#3a9a5b", "#b03a5b"};

std::string pct(const Json& v) {
  return v.is_number() ? fmt::format("{:.1f}%", v.get<double>() * 100) : "—";
}

double num(const Json& v) {
  return v.is_number() ? v.get<double>() : std::nan("");
}

// Chinese names of what the page shows; a value with none is shown as it is.
const std::map<std::string, std::string>& zh_names() {
  static const std::map<std::string, std::string> n = {{"l1", "一线"},
                                                       {"l2", "二线"},
                                                       {"vendor", "厂商"},
                                                       {"pm", "项目经理"},
                                                       {"new", "新建"},
                                                       {"assigned", "已分派"},
                                                       {"in_progress", "处理中"},
                                                       {"pending", "挂起"},
                                                       {"resolved", "已解决"},
                                                       {"closed", "已关闭"},
                                                       {"cancelled", "已取消"},
                                                       {"received", "已受理"},
                                                       {"investigating", "调查中"},
                                                       {"measures", "整改中"},
                                                       {"replied", "已答复"}};
  return n;
}

std::string zh(const std::string& key) {
  auto it = zh_names().find(key);
  return it == zh_names().end() ? key : it->second;
}

// "2026-03-02 09:00" of a stamp written in the desk's zone.
std::string when(const Json& iso) {
  if (!iso.is_string()) return "—";
  std::string s = iso.get<std::string>();
  return s.size() >= 16 ? s.substr(0, 10) + " " + s.substr(11, 5) : s;
}

// One row of the KPI table: its Chinese name, this period, the previous one, the target.
struct KpiRow {
  std::string name, now, before, target, verdict;
};

std::vector<KpiRow> kpi_rows(const Json& d) {
  const Json& k = d["kpi"];
  const Json& prev = d["previous"]["kpi"];
  const Json& targets = d["targets"];
  std::vector<KpiRow> rows;
  for (const auto& [key, name] : kpi_names()) {
    if (!k.contains(key)) continue;
    if (key == "survey_scores") {
      // One row per dimension, by its Chinese name; scores are 1..5.
      for (const auto& dim : survey_dimensions()) {
        const std::string& dim_name = survey_dimension_names().at(dim);
        auto score = [&](const Json& kk) {
          const Json& v = kk.contains(key) && kk[key].is_object() && kk[key].contains(dim)
                              ? kk[key][dim]
                              : Json();
          return v.is_number() ? fmt::format("{:.2f}", v.get<double>()) : std::string("—");
        };
        rows.push_back({"满意度·" + dim_name, score(k), score(prev), "", ""});
      }
      continue;
    }
    KpiRow r{name, kpi_cell(key, k[key]), kpi_cell(key, prev.value(key, Json())), "", ""};
    if (targets.contains(key)) {
      double t = targets[key].get<double>();
      bool lower = kpi_lower_is_better(key);
      r.target = (lower ? "≤ " : "≥ ") + kpi_cell(key, Json(t));
      if (k[key].is_number()) {
        double v = k[key].get<double>();
        r.verdict = (lower ? v <= t + 1e-9 : v >= t - 1e-9) ? "达标" : "未达标";
      }
    }
    rows.push_back(r);
  }
  return rows;
}

struct Charts {
  std::string volume, sla, tiers, satisfaction;
};

Charts make_charts(const Json& d) {
  std::vector<ChartPoint> volume;
  std::vector<std::string> labels;
  std::vector<double> resp, res;
  for (const auto& day : d["days"]) {
    std::string date = day["date"].get<std::string>();
    volume.push_back({date.substr(8), num(day["tickets"])});
    labels.push_back(date.substr(8));
    resp.push_back(num(day["response_ontime_rate"]));
    res.push_back(num(day["resolve_ontime_rate"]));
  }
  std::vector<ChartPoint> tiers;
  for (const char* tier : {"l1", "l2", "vendor"})
    tiers.push_back({zh(tier), num(d["tiers"].value(tier, Json()))});
  std::vector<ChartPoint> sat;
  const Json& k = d["kpi"];
  for (const auto& dim : survey_dimensions())
    sat.push_back({survey_dimension_names().at(dim),
                   k["survey_scores"].is_object() ? num(k["survey_scores"].value(dim, Json()))
                                                  : std::nan("")});
  sat.push_back({"回访", num(k["callback_satisfaction"])});
  return {svg_bar_chart("每日工单量（件）", volume),
          svg_line_chart("每日 SLA 达标率", labels, {{"响应及时率", resp}, {"解决及时率", res}}),
          svg_bar_chart("层级分布（按工单到达的最高层级，件）", tiers),
          svg_bar_chart("满意度（1–5 分）", sat)};
}

// An HTML table: headers, rows, the columns aligned right, and a line when there is no row.
std::string html_table(const std::string& css_class, const std::vector<std::string>& headers,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::vector<size_t>& numeric, const std::string& empty) {
  std::string out = "<table class=\"" + css_class + "\">\n<tr>";
  for (const auto& h : headers) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr>\n";
  if (rows.empty())
    out += fmt::format("<tr><td colspan=\"{}\" class=\"none\">{}</td></tr>\n", headers.size(),
                       html_escape(empty));
  for (const auto& r : rows) {
    out += "<tr>";
    for (size_t i = 0; i < r.size(); ++i) {
      bool n = std::find(numeric.begin(), numeric.end(), i) != numeric.end();
      out += (n ? "<td class=\"n\">" : "<td>") + html_escape(r[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

// The same table in Markdown.
std::string md_table(const std::vector<std::string>& headers,
                     const std::vector<std::vector<std::string>>& rows,
                     const std::vector<size_t>& numeric, const std::string& empty) {
  auto cell = [](std::string v) {
    std::string out;
    for (char c : v)
      out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
    return out;
  };
  std::string out = "|";
  for (const auto& h : headers) out += " " + h + " |";
  out += "\n|";
  for (size_t i = 0; i < headers.size(); ++i)
    out += std::find(numeric.begin(), numeric.end(), i) != numeric.end() ? " ---: |" : " --- |";
  out += "\n";
  if (rows.empty()) return out + "| " + empty + " |" + std::string(headers.size() - 1, '|') + "\n";
  for (const auto& r : rows) {
    out += "|";
    for (const auto& c : r) out += " " + cell(c) + " |";
    out += "\n";
  }
  return out;
}

// The sections of the page after the KPIs, each a heading and a table, in Chinese.
struct Section {
  std::string heading;
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> numeric;
  std::string empty;
};

std::vector<Section> sections(const Json& d) {
  std::vector<Section> out;
  Section rank{
      "顾问排名", {"排名", "姓名", "角色", "工单", "得分"}, {}, {0, 3, 4}, "本期无考核数据"};
  for (const auto& r : d["ranking"])
    rank.rows.push_back(
        {r["rank"].dump(), r["name"].get<std::string>(), zh(r["role"].get<std::string>()),
         r["tickets"].dump(),
         r["score"].is_number() ? fmt::format("{:.1f}", r["score"].get<double>()) : "—"});
  out.push_back(rank);
  Section comp{
      "客户投诉", {"编号", "客户", "内容", "状态", "处理时限", "是否超时"}, {}, {}, "本期无投诉"};
  for (const auto& c : d["complaints"])
    comp.rows.push_back({c["id"].get<std::string>(), c["customer"].get<std::string>(),
                         c["text"].get<std::string>(), zh(c["status"].get<std::string>()),
                         when(c["due"]), c["overdue"].get<bool>() ? "已超时" : "否"});
  out.push_back(comp);
  Section major{"重大事件",
                {"编号", "摘要", "状态", "发生时间", "解决时间", "关联工单"},
                {},
                {5},
                "本期无重大事件"};
  for (const auto& m : d["major_incidents"])
    major.rows.push_back({m["id"].get<std::string>(), m["title"].get<std::string>(),
                          zh(m["status"].get<std::string>()), when(m["created_at"]),
                          when(m["resolved_at"]), m["children"].dump()});
  out.push_back(major);
  Section late{"超时工单",
               {"编号", "优先级", "摘要", "客户", "处理人", "状态", "超时项"},
               {},
               {},
               "本期无超时工单"};
  for (const auto& t : d["breached"]) {
    std::string which = t["response_breached"].get<bool>() ? "响应" : "";
    if (t["resolve_breached"].get<bool>()) which += which.empty() ? "解决" : "、解决";
    late.rows.push_back({t["id"].get<std::string>(), t["priority"].get<std::string>(),
                         t["title"].get<std::string>(), t["customer"].get<std::string>(),
                         t["assignee_name"].get<std::string>(), zh(t["status"].get<std::string>()),
                         which});
  }
  out.push_back(late);
  return out;
}

std::string period_text(const Json& p) {
  return p["from"].get<std::string>() + " 至 " + p["to"].get<std::string>();
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_bar_chart(const std::string& title, const std::vector<ChartPoint>& bars,
                          bool percent) {
  double max = 0;
  for (const auto& [l, v] : bars)
    if (!std::isnan(v)) max = std::max(max, v);
  double top = nice_top(max, percent);
  int h = kHeight - kTop - kBottom;
  std::string out = svg_open(title, "bar") + axes(top, percent);
  double slot = bars.empty() ? 0 : static_cast<double>(kWidth - kLeft - kRight) / bars.size();
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& [label, v] = bars[i];
    double x = kLeft + slot * i + slot * 0.15;
    double w = slot * 0.7;
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"a\" text-anchor=\"middle\">{}</text>",
                       x + w / 2, kHeight - kBottom + 16, html_escape(label));
    if (std::isnan(v)) {
      out += "\n";
      continue;
    }
    double bh = top > 0 ? h * v / top : 0;
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
        "<title>{}: {}</title></rect>",
        x, kTop + h - bh, w, bh, kColors[0], html_escape(label), value_text(v, percent));
    if (bars.size() <= 12)
      out += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"a\" text-anchor=\"middle\">{}</text>", x + w / 2,
          kTop + h - bh - 4, value_text(v, percent));
    out += "\n";
  }
  return out + "</svg>\n";
}

std::string svg_line_chart(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<std::pair<std::string, std::vector<double>>>& series) {
  int h = kHeight - kTop - kBottom;
  std::string out = svg_open(title, "line") + axes(1.0, true);
  double step = labels.size() > 1
                    ? static_cast<double>(kWidth - kLeft - kRight - 20) / (labels.size() - 1)
                    : 0;
  auto x_of = [&](size_t i) { return kLeft + 10 + step * i; };
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels.size() <= 12 || i % 5 == 0)
      out +=
          fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"a\" text-anchor=\"middle\">{}</text>\n",
                      x_of(i), kHeight - kBottom + 16, html_escape(labels[i]));
  for (size_t s = 0; s < series.size(); ++s) {
    const char* color = kColors[s % 4];
    std::string path;
    bool pen = false;
    for (size_t i = 0; i < series[s].second.size() && i < labels.size(); ++i) {
      double v = series[s].second[i];
      if (std::isnan(v)) {
        pen = false;
        continue;
      }
      double y = kTop + h - h * v;
      path += fmt::format("{}{:.1f},{:.1f} ", pen ? "L" : "M", x_of(i), y);
      pen = true;
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{} {}: "
          "{}</title></circle>\n",
          x_of(i), y, color, html_escape(series[s].first), html_escape(labels[i]),
          value_text(v, true));
    }
    if (!path.empty())
      out += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path,
                         color);
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\" class=\"a\">{}</text>\n",
        kWidth - 260 + 130 * static_cast<int>(s % 2), 10, color,
        kWidth - 246 + 130 * static_cast<int>(s % 2), 19, html_escape(series[s].first));
  }
  return out + "</svg>\n";
}

std::string monthly_html(const Json& d, const std::string& desk_name) {
  std::string title = desk_name + " 月度服务报告 " + d["period"]["from"].get<std::string>() +
                      " – " + d["period"]["to"].get<std::string>();
  std::string out = R"(<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
)";
  out += "<title>" + html_escape(title) + "</title>\n";
  out += R"(<style>
body { font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
  "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
  margin: 2em auto; max-width: 760px; color: #222; line-height: 1.5; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ok { color: #2d7a46; } td.bad { color: #b03a2e; font-weight: bold; }
td.none { color: #777; text-align: center; }
svg.chart { display: block; margin: 0.5em 0; max-width: 100%; height: auto; }
svg text { font-family: inherit; }
svg .t { font-size: 14px; font-weight: bold; fill: #222; }
svg .a { font-size: 11px; fill: #555; }
svg .g { stroke: #e3e3e3; stroke-width: 1; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table, tr, svg.chart { break-inside: avoid; }
}
</style>
</head>
<body>
)";
  out += "<h1>" + html_escape(title) + "</h1>\n";
  out += "<p class=\"meta\">统计周期：" + html_escape(period_text(d["period"])) + "（上期：" +
         html_escape(period_text(d["previous"]["period"])) + "）<br>生成时间：" +
         html_escape(when(d["generated_at"])) +
         "（未结工单的时效按生成时间计算，不同时间生成的报告数字可能不同）</p>\n";
  out +=
      "<h2>考核指标</h2>\n<table class=\"kpi\">\n"
      "<tr><th>指标</th><th>本期</th><th>上期</th><th>目标</th><th>是否达标</th></tr>\n";
  for (const auto& r : kpi_rows(d))
    out += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"{}\">{}</td></tr>\n",
        html_escape(r.name), html_escape(r.now), html_escape(r.before), html_escape(r.target),
        r.verdict == "达标" ? "ok"
        : r.verdict.empty() ? ""
                            : "bad",
        html_escape(r.verdict));
  out += "</table>\n";
  for (const auto& sec : sections(d))
    out += "<h2>" + html_escape(sec.heading) + "</h2>\n" +
           html_table("list", sec.headers, sec.rows, sec.numeric, sec.empty);
  Charts c = make_charts(d);
  out += "<h2>工单量</h2>\n" + c.volume;
  out += "<h2>SLA 达标</h2>\n" + c.sla;
  out += "<h2>层级分布</h2>\n" + c.tiers;
  out += "<h2>满意度</h2>\n" + c.satisfaction;
  out +=
      "<p><small>说明：各比率以其自身分母计算；“—”表示本期没有可计算的分母。</small></p>\n"
      "</body>\n</html>\n";
  return out;
}

std::string monthly_md(const Json& d, const std::string& desk_name) {
  std::string out = fmt::format(
      "# {} 月度服务报告 {} – {}\n\n统计周期：{}（上期：{}）  \n生成时间：{}\n\n## 考核指标\n\n",
      desk_name, d["period"]["from"].get<std::string>(), d["period"]["to"].get<std::string>(),
      period_text(d["period"]), period_text(d["previous"]["period"]), when(d["generated_at"]));
  std::vector<std::vector<std::string>> kpis;
  for (const auto& r : kpi_rows(d)) kpis.push_back({r.name, r.now, r.before, r.target, r.verdict});
  out += md_table({"指标", "本期", "上期", "目标", "是否达标"}, kpis, {1, 2, 3}, "");
  for (const auto& sec : sections(d))
    out += "\n## " + sec.heading + "\n\n" + md_table(sec.headers, sec.rows, sec.numeric, sec.empty);
  out += "\n## 工单量与 SLA 达标（按日）\n\n";
  std::vector<std::vector<std::string>> days;
  for (const auto& day : d["days"])
    if (day["tickets"] != 0)
      days.push_back({day["date"].get<std::string>(), day["tickets"].dump(),
                      pct(day["response_ontime_rate"]), pct(day["resolve_ontime_rate"])});
  out += md_table({"日期", "工单", "响应及时率", "解决及时率"}, days, {1, 2, 3}, "本期无工单");
  out += "\n## 层级分布\n\n";
  std::vector<std::vector<std::string>> tiers;
  for (const char* tier : {"l1", "l2", "vendor"})
    tiers.push_back({zh(tier), d["tiers"].value(tier, Json(0)).dump()});
  out += md_table({"层级", "工单"}, tiers, {1}, "");
  return out;
}

}  // namespace sdesk
