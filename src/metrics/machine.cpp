#include "metrics/machine.hpp"

#include <sys/sysinfo.h>
#include <unistd.h>

#include <cstdlib>

namespace process::metrics::internal {

MachineFigures machineFigures() {
  MachineFigures figures;
  double load[3];
  if (getloadavg(load, 3) == 3) {
    figures.load1min = load[0];
    figures.load5min = load[1];
    figures.load15min = load[2];
  }
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus > 0) {
    figures.cpus = static_cast<double>(cpus);
  }
  struct sysinfo machine {};
  if (sysinfo(&machine) == 0) {
    const auto unit = static_cast<double>(machine.mem_unit);
    figures.memTotalBytes = static_cast<double>(machine.totalram) * unit;
    figures.memFreeBytes = static_cast<double>(machine.freeram) * unit;
  }
  return figures;
}

}  // namespace process::metrics::internal
