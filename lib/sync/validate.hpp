// Validation of any desk file by its path, for hand edits, `sdesk commit` and `sdesk verify`.
#pragma once
#include <optional>
#include <string>

#include "lib/util/yaml.hpp"

namespace sdesk {

class Desk;

// Validates a desk file's text by the kind its path names (desk.yaml, staff/, tickets/, …);
// exit 4 naming file, line and field. Files that are not sdesk objects pass.
void validate_file(const std::string& path, const std::string& text);
// Refuses (exit 4) a new version of a file whose `events` drops or alters an event of the old.
void check_append_only(const std::string& path, const std::string& old_text,
                       const std::string& new_text);
// The same for files already parsed.
void check_append_only(const std::string& path, const Json& before, const Json& after);
// Whether only a PM may change the file: desk.yaml, staff/, vendors/, schemas/, .gitattributes.
bool pm_only_path(const std::string& path);
// The object ID a desk path holds (file stem), or "" for files that are not objects.
std::string object_of_path(const std::string& path);
// The object a commit names for a changed file (its Sdesk-Object): the file's top-level `id`,
// else by layout (desk.yaml is `desk`, duty/YYYY/MM.yaml `duty-YYYY-MM`, a survey's
// campaign.yaml the campaign), else the file stem; "" for files that are not objects.
std::string object_of_file(const std::string& path, const std::string& text);
// The same for a file already parsed (doc null when it could not be).
std::string object_of_doc(const std::string& path, const Json& doc);
// Refuses (exit 4, naming the path) an output file (-o) inside the desk's .git directory, one
// the desk tracks, or a directory; `..` and symbolic links are resolved first.
void refuse_output_path(const Desk& desk, const std::string& path);

}  // namespace sdesk
