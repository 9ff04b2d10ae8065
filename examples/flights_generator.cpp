#include "examples/flights_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string_view>

namespace shardql::examples {
namespace {

// splitmix64's finaliser: a strong 64-bit mix, used both to derive a row's starting state and to
// step the generator.
uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// splitmix64 (Steele, Lea, Flood 2014). Its output is fixed by its definition, unlike
// std::uniform_int_distribution, whose results differ between standard libraries.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t state) : state_(state) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix64(state_);
  }
  // Modulo bias is below n / 2^64: invisible at demo sizes, and it keeps the arithmetic exact.
  uint64_t Below(uint64_t n) { return Next() % n; }
  int Between(int low, int high) {
    return low + static_cast<int>(Below(static_cast<uint64_t>(high - low) + 1));
  }
  bool PerMille(int chance) { return Below(1000) < static_cast<uint64_t>(chance); }

 private:
  uint64_t state_;
};

struct Airport {
  std::string_view code;
  // Relative share of flights: a few hubs dominate, so Filter's per-airport counts are skewed
  // the way real traffic is (and so is the shard-local work of a GROUP BY origin).
  int weight;
  // Position in miles on a plane fitted to great-circle distances between these 30 airports
  // (worst pair within 2.4%). Integer coordinates make every distance exact integer
  // arithmetic, hence identical everywhere and the same for every flight on a pair.
  int x;
  int y;
  int utc_offset;  // standard time, hours
  bool observes_dst;
};

// Thirty of the busiest US airports of 2000, in the contiguous states so the flat map stays
// accurate.
constexpr std::array<Airport, 30> kAirports = {{
    {"ATL", 100, 665, -362, -5, true},  {"ORD", 92, 415, 191, -6, true},
    {"DFW", 80, -60, -455, -6, true},   {"LAX", 66, -1274, -225, -8, true},
    {"DEN", 48, -459, 47, -7, true},    {"DTW", 44, 645, 233, -5, true},
    {"PHX", 42, -921, -337, -7, false}, {"MSP", 40, 137, 374, -6, true},
    {"IAH", 40, 41, -656, -6, true},    {"LAS", 38, -1061, -123, -8, true},
    {"SFO", 38, -1421, 80, -8, true},   {"STL", 36, 303, -42, -6, true},
    {"EWR", 32, 1132, 219, -5, true},   {"CLT", 30, 847, -226, -5, true},
    {"BOS", 26, 1258, 375, -5, true},   {"SEA", 26, -1214, 731, -8, true},
    {"PHL", 26, 1090, 151, -5, true},   {"PIT", 24, 824, 140, -5, true},
    {"LGA", 24, 1145, 229, -5, true},   {"MCO", 22, 896, -692, -5, true},
    {"SLC", 22, -831, 163, -7, true},   {"CVG", 22, 606, 7, -5, true},
    {"BWI", 20, 1027, 87, -5, true},    {"DCA", 16, 1012, 61, -5, true},
    {"SAN", 14, -1225, -323, -8, true}, {"MDW", 12, 424, 178, -6, true},
    {"TPA", 12, 827, -734, -5, true},   {"MEM", 12, 341, -296, -6, true},
    {"MCI", 12, 68, -13, -6, true},     {"PDX", 10, -1267, 613, -8, true},
}};

struct Carrier {
  std::string_view code;
  int weight;
};

// The ten largest carriers of 2000, roughly by share of domestic flights.
constexpr std::array<Carrier, 10> kCarriers = {{
    {"WN", 17},
    {"DL", 16},
    {"AA", 15},
    {"UA", 14},
    {"US", 10},
    {"NW", 10},
    {"CO", 8},
    {"TW", 4},
    {"HP", 3},
    {"AS", 3},
}};

constexpr std::array<int, 12> kDaysInMonth = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
// Per-day traffic in percent of an average day: summer peaks, winter troughs.
constexpr std::array<int, 12> kSeasonal = {94, 90, 100, 100, 102, 106, 109, 108, 95, 100, 96, 98};
constexpr std::array<int, 12> kMonthWeights = [] {
  std::array<int, 12> weights{};
  for (size_t m = 0; m < 12; ++m)
    weights[m] = kDaysInMonth[m] * kSeasonal[m];
  return weights;
}();
// Scheduled departures per local hour, 06:00 to 21:00: morning and evening banks.
constexpr std::array<int, 16> kHourWeights = {9, 10, 9, 8, 7, 7, 7, 7, 7, 8, 8, 8, 7, 6, 4, 2};

// Minimum distance for a generated route: the handful of closer pairs (ORD-MDW, EWR-LGA,
// BWI-DCA, ...) are not served by air.
constexpr int kMinRouteMiles = 100;

// Picks an index with probability proportional to weight(item).
template <typename Range, typename Weight>
size_t PickWeighted(SplitMix64& rng, const Range& items, Weight weight) {
  uint64_t total = 0;
  for (const auto& item : items)
    total += static_cast<uint64_t>(weight(item));
  uint64_t pick = rng.Below(total);
  for (size_t i = 0; i < items.size(); ++i) {
    uint64_t w = static_cast<uint64_t>(weight(items[i]));
    if (pick < w) return i;
    pick -= w;
  }
  return items.size() - 1;  // unreachable: pick < total
}

// Rounded Euclidean distance by integer square root: no floating point, so no libm differences.
int Distance(const Airport& a, const Airport& b) {
  int64_t dx = a.x - b.x, dy = a.y - b.y;
  uint64_t d2 = static_cast<uint64_t>(dx * dx + dy * dy);
  // Largest r with r * r <= d2, by bisection; d2 < 2^24 here, so r < 2^12.
  uint64_t low = 0, high = 1 << 16;
  while (high - low > 1) {
    uint64_t mid = (low + high) / 2;
    (mid * mid <= d2 ? low : high) = mid;
  }
  uint64_t r = low;
  if (d2 - r * r > r) ++r;  // nearer to r + 1 than to r
  return static_cast<int>(r);
}

// 2000's US daylight saving time ran from 2 April to 29 October (days 92..301, 0-based).
int UtcOffsetMinutes(const Airport& a, int day_of_year) {
  bool dst = a.observes_dst && day_of_year >= 92 && day_of_year < 302;
  return (a.utc_offset + (dst ? 1 : 0)) * 60;
}

// Minutes after local midnight to the on-time data set's hhmm integer, wrapping past midnight.
int Hhmm(int minutes) {
  minutes = ((minutes % 1440) + 1440) % 1440;
  return minutes / 60 * 100 + minutes % 60;
}

// Scheduled block time: nominal taxi out and in plus airborne time at ~460 mph, rounded up to
// five minutes as airline schedules are.
int ScheduledElapsed(int distance) {
  int minutes = 21 + 10 + distance * 60 / 460;
  return (minutes + 4) / 5 * 5;
}

// Departure delay in minutes: about half leave a little early or on time, the rest spread over a
// long tail (2000 was a bad year: a quarter of arrivals were 15 or more minutes late). Evening
// and winter flights are late more often, but the shape of the tail stays the same.
int DepartureDelay(SplitMix64& rng, int hour, bool winter) {
  int on_time = 550 - (hour >= 17 ? 80 : 0) - (winter ? 40 : 0);  // per mille
  if (rng.Between(0, 999) < on_time) return rng.Between(-10, 0);
  int tail = rng.Between(0, 999);
  if (tail < 555) return rng.Between(1, 14);
  if (tail < 889) return rng.Between(15, 59);
  if (tail < 978) return rng.Between(60, 179);
  return rng.Between(180, 360);
}

struct Row {
  int month = 0, day = 0, day_of_week = 0;
  std::string_view carrier;
  int flight_num = 0;
  std::optional<std::string> tail_num;
  std::string_view origin, dest;
  int crs_dep_time = 0, crs_arr_time = 0, crs_elapsed_time = 0, distance = 0;
  std::optional<int> dep_time, dep_delay, taxi_out, arr_time, arr_delay, taxi_in, air_time;
  bool cancelled = false, diverted = false;
  std::optional<std::string_view> cancellation_code;
  // Cause of delay, in the order carrier, weather, NAS, security, late aircraft.
  std::array<std::optional<int>, 5> causes;
};

Row MakeRow(uint64_t flight_id, uint64_t seed) {
  // Hash the row number instead of seeding with seed + id: splitmix64 steps its state by a
  // constant, so consecutive rows would otherwise replay each other's streams shifted by one.
  SplitMix64 rng(Mix64(seed ^ Mix64(flight_id)));
  Row row;

  // Weight each month by its days times its seasonal factor, then pick a day uniformly.
  size_t month = PickWeighted(rng, kMonthWeights, [](int w) { return w; });
  row.month = static_cast<int>(month) + 1;
  row.day = rng.Between(1, kDaysInMonth[month]);
  int day_of_year = row.day - 1;
  for (size_t m = 0; m < month; ++m)
    day_of_year += kDaysInMonth[m];
  // 1 January 2000 was a Saturday; the data set numbers Monday 1 to Sunday 7.
  row.day_of_week = (5 + day_of_year) % 7 + 1;
  bool winter = row.month == 12 || row.month <= 2;

  const auto airport_weight = [](const Airport& a) { return a.weight; };
  size_t origin_index = PickWeighted(rng, kAirports, airport_weight);
  size_t dest_index = origin_index;
  while (dest_index == origin_index ||
         Distance(kAirports[origin_index], kAirports[dest_index]) < kMinRouteMiles) {
    dest_index = PickWeighted(rng, kAirports, airport_weight);
  }
  const Airport& origin = kAirports[origin_index];
  const Airport& dest = kAirports[dest_index];
  row.origin = origin.code;
  row.dest = dest.code;
  row.distance = Distance(origin, dest);

  size_t carrier_index = PickWeighted(rng, kCarriers, [](const Carrier& c) { return c.weight; });
  const Carrier& carrier = kCarriers[carrier_index];
  row.carrier = carrier.code;

  int hour = 6 + static_cast<int>(PickWeighted(rng, kHourWeights, [](int w) { return w; }));
  int crs_dep = hour * 60 + 5 * rng.Between(0, 11);
  row.crs_dep_time = Hhmm(crs_dep);
  // The same carrier, route and departure hour keep one flight number all year, as schedules do.
  uint64_t route = Mix64((static_cast<uint64_t>(carrier_index) << 24) ^ (origin_index << 16) ^
                         (dest_index << 8) ^ static_cast<uint64_t>(hour));
  row.flight_num = 1 + static_cast<int>(route % 2999);

  // A carrier's fleet is a few hundred tails with its own suffix; about 1.5% of records lack
  // one, as early on-time data does.
  if (!rng.PerMille(15)) {
    std::string tail = "N" + std::to_string(100 + rng.Between(0, 299)) + std::string(carrier.code);
    row.tail_num = std::move(tail);
  }

  int tz_shift = UtcOffsetMinutes(dest, day_of_year) - UtcOffsetMinutes(origin, day_of_year);
  row.crs_elapsed_time = ScheduledElapsed(row.distance);
  row.crs_arr_time = Hhmm(crs_dep + row.crs_elapsed_time + tz_shift);

  row.cancelled = rng.PerMille(winter ? 40 : 18);
  if (row.cancelled) {
    // A = carrier, B = weather, C = national air system; weather dominates in winter.
    int cause = rng.Between(0, 99);
    int weather_share = winter ? 60 : 30;
    row.cancellation_code = cause < weather_share ? "B" : cause < weather_share + 40 ? "A" : "C";
    return row;  // never left the gate: every actual time and delay stays NULL
  }

  int dep_delay = DepartureDelay(rng, hour, winter);
  row.dep_delay = dep_delay;
  row.dep_time = Hhmm(crs_dep + dep_delay);
  // Hubs have longer taxi-out queues.
  int taxi_out = rng.Between(7, 20) + (origin.weight >= 60 ? rng.Between(0, 10) : 0);
  row.taxi_out = taxi_out;

  row.diverted = rng.PerMille(3);
  if (row.diverted) return row;  // landed elsewhere: no arrival at dest, no arrival delay

  int nominal_air = 10 + row.distance * 60 / 460;
  int air_time = nominal_air + rng.Between(-nominal_air / 12, nominal_air / 12);  // winds
  int taxi_in = rng.Between(3, 12);
  row.air_time = air_time;
  row.taxi_in = taxi_in;
  int actual_elapsed = taxi_out + air_time + taxi_in;
  row.arr_time = Hhmm(crs_dep + dep_delay + actual_elapsed + tz_shift);
  int arr_delay = dep_delay + actual_elapsed - row.crs_elapsed_time;
  row.arr_delay = arr_delay;

  // Causes are reported only for flights 15 or more minutes late, and add up to the arrival
  // delay: what was made up or lost in the air is the national air system's, the rest is split.
  if (arr_delay >= 15) {
    int rest = arr_delay;
    int nas = std::clamp(arr_delay - std::max(dep_delay, 0), 0, rest);
    rest -= nas;
    int security = rng.PerMille(20) ? std::min(rest, rng.Between(1, 15)) : 0;
    rest -= security;
    int weather = rng.PerMille(winter ? 200 : 100) ? rest * rng.Between(20, 100) / 100 : 0;
    rest -= weather;
    int late_aircraft = rest * rng.Between(0, hour >= 15 ? 80 : 40) / 100;
    rest -= late_aircraft;
    row.causes = {rest, weather, nas, security, late_aircraft};
  }
  return row;
}

void AppendInt(std::string& out, int64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void AppendInt(std::string& out, const std::optional<int>& value) {
  if (value) {
    AppendInt(out, *value);
  } else {
    out += "NULL";
  }
}

// The generated strings never hold a quote, but the SQL stays valid if someone adds one.
void AppendText(std::string& out, std::string_view value) {
  out += '\'';
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
}

void AppendTwoDigits(std::string& out, int value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

void AppendRow(std::string& out, uint64_t flight_id, const Row& r) {
  out += '(';
  AppendInt(out, static_cast<int64_t>(flight_id));
  // The source data set writes dates as 2000,12,05; the Recorder job rewrites the separator.
  out += ", '2000,";
  AppendTwoDigits(out, r.month);
  out += ',';
  AppendTwoDigits(out, r.day);
  out += "', 2000, ";
  AppendInt(out, r.month);
  out += ", ";
  AppendInt(out, r.day);
  out += ", ";
  AppendInt(out, r.day_of_week);
  out += ", ";
  AppendText(out, r.carrier);
  out += ", ";
  AppendInt(out, r.flight_num);
  out += ", ";
  if (r.tail_num) {
    AppendText(out, *r.tail_num);
  } else {
    out += "NULL";
  }
  out += ", ";
  AppendText(out, r.origin);
  out += ", ";
  AppendText(out, r.dest);
  for (const std::optional<int>& v :
       {std::optional<int>(r.crs_dep_time), r.dep_time, r.dep_delay, r.taxi_out,
        std::optional<int>(r.crs_arr_time), r.arr_time, r.arr_delay, r.taxi_in,
        std::optional<int>(r.crs_elapsed_time), r.air_time, std::optional<int>(r.distance),
        std::optional<int>(r.cancelled ? 1 : 0)}) {
    out += ", ";
    AppendInt(out, v);
  }
  out += ", ";
  if (r.cancellation_code) {
    AppendText(out, *r.cancellation_code);
  } else {
    out += "NULL";
  }
  out += ", ";
  AppendInt(out, r.diverted ? 1 : 0);
  for (const std::optional<int>& cause : r.causes) {
    out += ", ";
    AppendInt(out, cause);
  }
  out += ')';
}

// Must list the columns in AppendRow's order; matches examples/demo/schema.sql minus note.
constexpr std::string_view kInsertHead =
    "INSERT INTO flights (flight_id, flight_date, year, month, day_of_month, day_of_week,\n"
    "  unique_carrier, flight_num, tail_num, origin, dest, crs_dep_time, dep_time, dep_delay,\n"
    "  taxi_out, crs_arr_time, arr_time, arr_delay, taxi_in, crs_elapsed_time, air_time,\n"
    "  distance, cancelled, cancellation_code, diverted, carrier_delay, weather_delay, "
    "nas_delay,\n"
    "  security_delay, late_aircraft_delay) VALUES\n";

}  // namespace

std::string GenerateFlightsSql(size_t rows, uint64_t seed) {
  std::string out;
  out.reserve(rows * 190 + (rows / kFlightsPerInsert + 1) * kInsertHead.size());
  for (size_t i = 0; i < rows; ++i) {
    uint64_t flight_id = i + 1;
    bool first_in_batch = i % kFlightsPerInsert == 0;
    out += first_in_batch ? kInsertHead : std::string_view(",\n");
    AppendRow(out, flight_id, MakeRow(flight_id, seed));
    bool last_in_batch = (i + 1) % kFlightsPerInsert == 0 || i + 1 == rows;
    if (last_in_batch) out += ";\n";
  }
  return out;
}

}  // namespace shardql::examples
