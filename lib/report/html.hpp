// Self-contained report pages: HTML with inline CSS and inline SVG charts (no scripts, no
// fonts or images from the network), and the same content as Markdown.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "lib/util/yaml.hpp"

namespace sdesk {

// One bar or point of a chart: a label and a value (nullopt-like gaps as NaN are skipped).
using ChartPoint = std::pair<std::string, double>;

// Escapes text for HTML element content and attribute values.
std::string html_escape(const std::string& text);
// An inline SVG bar chart with a title; `percent` shows values as percentages of 1.
std::string svg_bar_chart(const std::string& title, const std::vector<ChartPoint>& bars,
                          bool percent = false);
// An inline SVG line chart of one or more named series over shared labels (NaN: a gap),
// values in [0, 1] shown as percentages.
std::string svg_line_chart(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<std::pair<std::string, std::vector<double>>>& series);
// The monthly report page from monthly_data() (lib/kpi.hpp) as one self-contained HTML file.
std::string monthly_html(const Json& data, const std::string& desk_name);
// The monthly report from monthly_data() as Markdown.
std::string monthly_md(const Json& data, const std::string& desk_name);

}  // namespace sdesk
