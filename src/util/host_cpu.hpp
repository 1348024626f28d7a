// The machine this process runs on, as compiled code depends on it: the architecture
// (uname's machine) and the CPU's feature list (/proc/cpuinfo), which code tuned for the
// host (-march=native) may use.
#pragma once

#include <string>

namespace jitcache::util {

// e.g. "x86_64", "aarch64".
std::string host_architecture();
// The feature words of /proc/cpuinfo ("flags" on x86, "Features" on ARM), sorted and joined by
// single spaces; empty when the file cannot be read.
std::string host_cpu_features();

} // namespace jitcache::util
