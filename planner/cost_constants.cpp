// The cost model's constants. PROVISIONAL: read off one EXPLAIN ANALYZE of the demo cluster by
// hand, until bench/calibrate_cost.py (issue 9, next step) measures them on this machine and
// prints this block. Only their ratios matter to the rules' decisions.

#include "planner/cost_model.h"

namespace shardql {

const CostConstants& MeasuredCostConstants() {
  static const CostConstants constants{
      .route_ms = 0.060,
      .scan_row_ms = 0.00012,
      .seek_ms = 0.0040,
      .seek_row_ms = 0.00030,
      .return_row_ms = 0.0010,
      .merge_row_ms = 0.00050,
  };
  return constants;
}

}  // namespace shardql
