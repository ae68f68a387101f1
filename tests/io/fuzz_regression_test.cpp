// Inputs found by fuzz/run.sh that once crashed a reader (under ASan), kept so that they are
// refused with an error for good.
#include <gtest/gtest.h>

#include <string>

#include "io/moe_trace.hpp"

namespace fabricsim::io {
namespace {

const std::string kDir = std::string(FABRICSIM_SOURCE_DIR) + "/tests/io/fuzz_regressions/";

TEST(FuzzRegression, TraceWhoseHeaderAsksForAnExabyteIsRefusedAsABadTrace) {
  // fuzz_moe_trace: a corrupt object header made HDF5's metadata cache ask malloc for
  // 0xfe7f...d8 bytes; the open must fail as a TraceError, not abort.
  EXPECT_THROW(read_moe_trace(kDir + "moe_trace_huge_metadata_allocation.h5"), TraceError);
}

}  // namespace
}  // namespace fabricsim::io
