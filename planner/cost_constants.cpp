// The cost model's constants, measured on this machine (2-core VM, 2026-12-07, Release build) by
//   python3 bench/calibrate_cost.py --shardql build/release/shardql
// (medians of 21 interleaved rounds over 400,000 rows on 4 SQLite shards; two runs agreed within
// 15%). Wall-clock milliseconds of a 4-shard scatter, which is what a user waits for. Only their
// ratios matter to the rules' decisions; measure again when the executor or backend changes.

#include "planner/cost_model.h"

namespace shardql {

const CostConstants& MeasuredCostConstants() {
  static const CostConstants constants{
      .route_ms = 0.02333,
      .scan_row_ms = 3.061e-05,
      .seek_ms = 6.91e-05,
      .seek_row_ms = 0.0003635,
      .return_row_ms = 0.0002065,
      .merge_row_ms = 0.001693,
      // Two runs of --rounds 11 (2026-12-07, after the rest): 0.00049 and 0.00040; their mean.
      .ship_row_ms = 0.00044,
  };
  return constants;
}

}  // namespace shardql
