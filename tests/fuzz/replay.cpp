// Replays fuzz inputs without libFuzzer: every file named on the command line, and every file
// under a directory named, is fed once to the target's LLVMFuzzerTestOneInput. Exits 1 when
// it finds no input at all, so that a missing corpus fails its test instead of passing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::cerr << "replay: no such file or directory: " << p.string() << "\n";
      return 1;
    }
  }
  if (files.empty()) {
    std::cerr << "replay: no inputs (usage: " << argv[0] << " FILE_OR_DIR...)\n";
    return 1;
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::cerr << "replay: cannot read " << f.string() << "\n";
      return 1;
    }
    std::cerr << "replay: " << f.string() << "\n";
    // An exact-size heap copy, as libFuzzer passes it, so that reads past the end are caught.
    auto data = std::make_unique<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), data.get());
    LLVMFuzzerTestOneInput(data.get(), bytes.size());
  }
  std::cerr << "replay: " << files.size() << " inputs, no finding\n";
  return 0;
}
