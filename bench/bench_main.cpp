// Shared main for the benchmarks. Benchmarks are named "<Group>_<variant>/<args>"; after the
// usual console table, every variant's time is divided by its group's "baseline" variant
// with the same arguments, measured in the same run, and printed as a ratio line:
//   ratio GetHit/65536: jitcache / baseline = 1.21
// With --benchmark_repetitions=N the medians are compared.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <unistd.h>

namespace {

class RatioReporter : public benchmark::ConsoleReporter {
public:
  using ConsoleReporter::ConsoleReporter;

  void
  ReportRuns(const std::vector<Run>& runs) override
  {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      // With --benchmark_repetitions the median is compared; otherwise the single run.
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.error_occurred || (run.run_type == Run::RT_Aggregate && !median)) {
        continue;
      }
      if (!median && run.repetitions > 1) {
        continue;
      }
      const std::string function = run.run_name.function_name;
      const std::string args = run.run_name.args.empty() ? "" : "/" + run.run_name.args;
      const auto underscore = function.rfind('_');
      if (underscore == std::string::npos) {
        continue;
      }
      const std::string group = function.substr(0, underscore) + args;
      m_times[group][function.substr(underscore + 1)] = run.GetAdjustedRealTime();
    }
  }

  void
  Finalize() override
  {
    ConsoleReporter::Finalize();
    for (const auto& [group, variants] : m_times) {
      const auto baseline = variants.find("baseline");
      if (baseline == variants.end() || baseline->second <= 0) {
        continue;
      }
      for (const auto& [variant, time] : variants) {
        if (variant != "baseline") {
          std::printf("ratio %s: %s / baseline = %.3g\n", group.c_str(), variant.c_str(),
                      time / baseline->second);
        }
      }
    }
  }

private:
  std::map<std::string, std::map<std::string, double>> m_times;
};

} // namespace

int
main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  RatioReporter reporter(::isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                 : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
