#include "lib/report/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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
  for (auto it = d["tiers"].begin(); it != d["tiers"].end(); ++it)
    tiers.push_back({it.key(), num(it.value())});
  std::vector<ChartPoint> sat;
  const Json& k = d["kpi"];
  if (k["survey_scores"].is_object())
    for (auto it = k["survey_scores"].begin(); it != k["survey_scores"].end(); ++it)
      sat.push_back({it.key(), num(it.value())});
  sat.push_back({"callback", num(k["callback_satisfaction"])});
  return {svg_bar_chart("工单量 / tickets by day", volume),
          svg_line_chart("SLA 达标趋势 / SLA compliance by day", labels,
                         {{"响应及时率 response", resp}, {"解决及时率 resolve", res}}),
          svg_bar_chart("层级分布 / tier mix", tiers),
          svg_bar_chart("满意度 / satisfaction by dimension (1–5)", sat)};
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
  std::string period =
      d["period"]["from"].get<std::string>() + " – " + d["period"]["to"].get<std::string>();
  std::string title = desk_name + " 月度服务报告 " + period;
  std::string out = R"(<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
)";
  out += "<title>" + html_escape(title) + "</title>\n";
  out += R"(<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 760px; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { display: block; margin: 0.5em 0; max-width: 100%; height: auto; }
svg .t { font-size: 14px; font-weight: bold; fill: #222; }
svg .a { font-size: 11px; fill: #555; }
svg .g { stroke: #e3e3e3; stroke-width: 1; }
</style>
</head>
<body>
)";
  out += "<h1>" + html_escape(title) +
         "</h1>\n<h2>考核指标 / KPIs</h2>\n<table class=\"kpi\">\n"
         "<tr><th>指标</th><th>key</th><th>值</th></tr>\n";
  const Json& k = d["kpi"];
  for (const auto& [key, name] : kpi_names()) {
    if (!k.contains(key)) continue;
    out += fmt::format("<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td></tr>\n",
                       html_escape(name), key, html_escape(kpi_cell(key, k[key])));
  }
  out += "</table>\n";
  Charts c = make_charts(d);
  out += "<h2>工单量 / Volume</h2>\n" + c.volume;
  out += "<h2>SLA 达标 / SLA compliance</h2>\n" + c.sla;
  out += "<h2>层级分布 / Tier mix</h2>\n" + c.tiers;
  out += "<h2>满意度 / Satisfaction</h2>\n" + c.satisfaction;
  out +=
      "<p><small>sdesk report monthly · rates are shares of their own denominator; — means "
      "no denominator.</small></p>\n</body>\n</html>\n";
  return out;
}

std::string monthly_md(const Json& d, const std::string& desk_name) {
  std::string out =
      fmt::format("# {} 月度服务报告 {} – {}\n\n## 考核指标 / KPIs\n\n", desk_name,
                  d["period"]["from"].get<std::string>(), d["period"]["to"].get<std::string>());
  out += "| 指标 | key | 值 |\n| --- | --- | ---: |\n";
  const Json& k = d["kpi"];
  for (const auto& [key, name] : kpi_names())
    if (k.contains(key))
      out += fmt::format("| {} | `{}` | {} |\n", name, key, kpi_cell(key, k[key]));
  out +=
      "\n## 工单量与 SLA 达标 / Volume and SLA compliance by day\n\n"
      "| 日期 | 工单 | 响应及时率 | 解决及时率 |\n| --- | ---: | ---: | ---: |\n";
  for (const auto& day : d["days"]) {
    if (day["tickets"] == 0) continue;
    out += fmt::format("| {} | {} | {} | {} |\n", day["date"].get<std::string>(),
                       day["tickets"].dump(), pct(day["response_ontime_rate"]),
                       pct(day["resolve_ontime_rate"]));
  }
  out += "\n## 层级分布 / Tier mix\n\n| 层级 | 工单 |\n| --- | ---: |\n";
  for (auto it = d["tiers"].begin(); it != d["tiers"].end(); ++it)
    out += fmt::format("| {} | {} |\n", it.key(), it.value().dump());
  out += "\n## 满意度 / Satisfaction\n\n| 维度 | 平均分 |\n| --- | ---: |\n";
  if (k["survey_scores"].is_object())
    for (auto it = k["survey_scores"].begin(); it != k["survey_scores"].end(); ++it)
      out += fmt::format(
          "| {} | {} |\n", it.key(),
          it.value().is_number() ? fmt::format("{:.2f}", it.value().get<double>()) : "—");
  out += fmt::format("| callback | {} |\n",
                     kpi_cell("callback_satisfaction", k["callback_satisfaction"]));
  return out;
}

}  // namespace sdesk
