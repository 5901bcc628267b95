// The main() of a fuzz target in builds without libFuzzer (g++, plain CI): runs
// LLVMFuzzerTestOneInput once on every file named on the command line, directories
// recursively, so that every build replays the seed corpus and the regression inputs.
// Files whose name starts with '.' (.gitkeep) are skipped. Options starting with '-' are
// ignored, so a libFuzzer command line (-runs=0 ...) works too.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

bool runFile(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return false;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
    // An exactly sized heap copy, so that AddressSanitizer sees a read past the end.
    const auto data = std::make_unique<uint8_t[]>(std::max<size_t>(bytes.size(), 1));
    std::copy(bytes.begin(), bytes.end(), data.get());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(bytes.empty() ? nullptr : data.get(), bytes.size());
    return true;
}

bool hidden(const fs::path &path)
{
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

} // namespace

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    size_t inputs = 0;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] == '-')
            continue;
        const fs::path root(argv[i]);
        std::error_code error;
        if (fs::is_directory(root, error)) {
            std::vector<fs::path> files;
            for (const auto &entry : fs::recursive_directory_iterator(root)) {
                if (entry.is_regular_file() && !hidden(entry.path()))
                    files.push_back(entry.path());
            }
            // A fixed order, so that two runs replay the same sequence.
            std::sort(files.begin(), files.end());
            for (const fs::path &file : files) {
                ok = runFile(file) && ok;
                ++inputs;
            }
        } else if (fs::is_regular_file(root, error)) {
            ok = runFile(root) && ok;
            ++inputs;
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            ok = false;
        }
    }
    std::fprintf(stderr, "replay: %zu inputs run\n", inputs);
    return ok ? 0 : 1;
}
