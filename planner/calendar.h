#pragma once
// PostgreSQL's calendar: the proleptic Gregorian calendar (year 0 is 1 BC), dates as days since
// 2000-01-01 and times as microseconds, with the ranges its date and timestamp types allow.
// Shared by the text forms (value_text.cpp) and the arithmetic (temporal.cpp).

#include <cstdint>

namespace shardql::calendar {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
// Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
constexpr int64_t kPostgresEpochDays = 10957;
// PostgreSQL's range of dates: 4713 BC (astronomical year -4712) to 5874897 AD; of timestamps:
// to 294276 AD.
constexpr int64_t kMinYear = -4712;
constexpr int64_t kMaxDateYear = 5874897;
constexpr int64_t kMaxTimestampYear = 294276;

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
inline int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = FloorDiv(y, 400);
  int64_t year_of_era = y - era * 400;
  int64_t day_of_year = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Civil {
  int64_t year, month, day;
};

inline Civil CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t day_of_era = z - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

inline bool IsLeap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

inline int64_t DaysInMonth(int64_t y, int64_t m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// A PostgreSQL date (days since 2000-01-01) as a civil date, and back.
inline Civil CivilOfDate(int64_t pg_days) {
  return CivilFromDays(pg_days + kPostgresEpochDays);
}
inline int64_t DateOfCivil(int64_t y, int64_t m, int64_t d) {
  return DaysFromCivil(y, m, d) - kPostgresEpochDays;
}

}  // namespace shardql::calendar
