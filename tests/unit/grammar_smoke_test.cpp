// Smoke test: thousands of random and mutated statements. Each ParseSql call must return or throw
// SqlError; any other exception fails the test, and a crash fails it too. SplitSql and
// DebugString run on every input as well. The seed is fixed; a failure prints it with the input.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "grammar/parser.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

constexpr uint64_t kSeed = 20240531;
constexpr int kIterations = 4000;

// Long statements are literals split over lines, not missing commas.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)
const char* const kCorpus[] = {
    "SELECT * FROM orders WHERE order_num = 1008",
    "SELECT a + 1 AS x, b y, t.* FROM t1 AS t JOIN t2 ON t.id = t2.id WHERE a OR b AND c",
    "SELECT DISTINCT a FROM t ORDER BY a DESC NULLS LAST LIMIT 10 OFFSET 5",
    "SELECT a FROM t LIMIT 5, 10",
    "SELECT a FROM t OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY",
    "SELECT count(*), count(DISTINCT a), sum(b) FILTER (WHERE b > 0) FROM t GROUP BY c HAVING "
    "count(*) > 1",
    "SELECT rank() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT "
    "ROW) FROM t",
    "SELECT a FROM t WINDOW w AS (ORDER BY a)",
    "SELECT NOT a = b, a BETWEEN 1 AND 2 AND c, -x::int, a || b = c, x IS NOT NULL AND y",
    "SELECT a IN (1, 2), a NOT IN (SELECT b FROM u), a IN t, a IN ()",
    "SELECT a LIKE 'x%' ESCAPE '!', a ILIKE b, a = ANY (SELECT 1), a < ALL (SELECT 2)",
    "SELECT EXISTS (SELECT 1), (SELECT max(a) FROM t), CASE WHEN a THEN b ELSE c END, CASE a WHEN "
    "1 THEN 2 END",
    "SELECT CAST(a AS varchar(30)), a::double precision, x::timestamp with time zone, a COLLATE "
    "nocase",
    "SELECT extract(year FROM d), substring(s FROM 1 FOR 2), position('a' IN s), CURRENT_DATE, "
    "DATE '1998-12-01'",
    "SELECT left(s, 2), right(s, 3), replace(s, 'a', 'b'), coalesce(a, NULL), nullif(a, 0)",
    "SELECT 'it''s', E'a\\nb\\x41\\u00e9', $$dollar$$, X'0A1b', 0x1F, 1.5e-3, .5, 1., $1, ?",
    "SELECT a IS DISTINCT FROM b, a IS NOT TRUE, a ISNULL, a NOTNULL, a NOT NULL",
    "SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3 EXCEPT (SELECT 4 ORDER BY 1 LIMIT 1)",
    "VALUES (1, 'a'), (2, 'b')",
    "WITH x (a) AS (SELECT 1), y AS (VALUES (2)) SELECT * FROM x, y",
    "SELECT * FROM a NATURAL LEFT OUTER JOIN b CROSS JOIN c FULL JOIN (d JOIN e USING (k)) ON true",
    "SELECT * FROM (SELECT 1) AS d (x), (SELECT 2), t INDEXED BY i, u NOT INDEXED",
    "SELECT \"Quoted \"\"Name\"\"\", café, a$b FROM \"Sch\".\"Tab\"",
    "INSERT INTO t VALUES (1, 'a', 2.5), (-1, NULL, -2.5)",
    "INSERT INTO s.t AS x (a, b) SELECT a, b FROM u WHERE c",
    "INSERT INTO t DEFAULT VALUES",
    "UPDATE t AS x SET a = a + 1, b = DEFAULT WHERE id = 3",
    "DELETE FROM t x WHERE x.a IN (1, 2)",
    "CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT, name varchar(30) NOT NULL DEFAULT 'x' "
    "COLLATE nocase)",
    "CREATE TEMP TABLE IF NOT EXISTS t (a decimal(15,2) DEFAULT -1.5 CHECK (a > 0), b int "
    "REFERENCES u (x)) DISTRIBUTE BY HASH (a)",
    "CREATE TABLE r (a int, b text, CONSTRAINT pk PRIMARY KEY (a, b), UNIQUE (b), FOREIGN KEY (a) "
    "REFERENCES u (x)) DISTRIBUTE BY REFERENCE",
    "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a COLLATE nocase DESC, lower(b)) WHERE a > 0",
    "CREATE OR REPLACE TEMP VIEW v (a) AS SELECT a FROM t",
    "DROP TABLE IF EXISTS a, b CASCADE",
    "DROP INDEX i; DROP VIEW v",
    "BEGIN; COMMIT; ROLLBACK; START TRANSACTION; END TRANSACTION; BEGIN IMMEDIATE",
    "EXPLAIN ANALYZE VERBOSE SELECT 1",
    "EXPLAIN (ANALYZE, VERBOSE false) SELECT a FROM t",
    "SET search_path TO a, 'b'; SET LOCAL x.y = -5; RESET x; SHOW ALL",
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET a = CASE WHEN 1 THEN 2 END; END",
    "INSERT OR REPLACE INTO t VALUES (1); REPLACE INTO t VALUES (2)",
    "PRAGMA foreign_keys = ON; VACUUM; ATTACH 'x' AS y; DETACH y; REINDEX t",
    "SELECT /* nested /* comment */ */ 1 -- trailing",
    "SELECT a FROM t WHERE a = (((1)))",
    "SELECT ~1 + -2 * 3 % 4 << 1 | 2 & 3",
    "SELECT a FROM t WHERE b = $1 AND c = ? AND d = ?",
    "SELECT t1.a, t2.b FROM t1, t2 WHERE t1.id = t2.id ORDER BY 1, 2",
    "WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r",
    "SELECT * FORM t",
    "SELECT 'unterminated",
};
// NOLINTEND(bugprone-suspicious-missing-comma)

const char* const kFragments[] = {
    "SELECT", "FROM",  "WHERE", "(",    ")",       ",",      ";",   "'",       "\"",   "$$",
    "/*",     "*/",    "--",    "CASE", "END",     "WHEN",   "NOT", "NULL",    "AND",  "OR",
    "JOIN",   "ON",    "::",    "E'\\", "X'",      "0x",     "?",   "$1",      "1e",   ".",
    "*",      "=",     "<>",    "IN",   "UNION",   "ORDER",  "BY",  "LIMIT",   "WITH", "BEGIN",
    "CREATE", "TABLE", "INDEX", "VIEW", "TRIGGER", "EXISTS", "IS",  "BETWEEN", "||",   "\\",
};

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  std::string Next() {
    std::string text = kCorpus[Pick(std::size(kCorpus))];
    int mutations = 1 + static_cast<int>(Pick(4));
    for (int i = 0; i < mutations; ++i)
      Mutate(text);
    return text;
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  // Tokens here are just runs split at spaces: enough to move whole words around.
  static std::vector<std::string> Words(const std::string& text) {
    std::vector<std::string> words;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      words.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return words;
  }

  static std::string Join(const std::vector<std::string>& words) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i)
      out += (i ? " " : "") + words[i];
    return out;
  }

  void Mutate(std::string& text) {
    std::vector<std::string> words = Words(text);
    switch (Pick(10)) {
      case 0:  // delete a word
        words.erase(words.begin() + static_cast<long>(Pick(words.size())));
        text = Join(words);
        break;
      case 1:  // duplicate a word
        words.insert(words.begin() + static_cast<long>(Pick(words.size())),
                     words[Pick(words.size())]);
        text = Join(words);
        break;
      case 2:  // swap two words
        std::swap(words[Pick(words.size())], words[Pick(words.size())]);
        text = Join(words);
        break;
      case 3:  // insert a keyword or punctuation
        text.insert(Pick(text.size() + 1), kFragments[Pick(std::size(kFragments))]);
        break;
      case 4:  // delete a byte
        if (!text.empty()) text.erase(Pick(text.size()), 1);
        break;
      case 5:  // duplicate a byte
        if (!text.empty()) {
          size_t at = Pick(text.size());
          text.insert(at, 1, text[at]);
        }
        break;
      case 6:  // swap two bytes
        if (!text.empty()) std::swap(text[Pick(text.size())], text[Pick(text.size())]);
        break;
      case 7:  // truncate
        text.resize(Pick(text.size() + 1));
        break;
      case 8:  // a random byte: NUL, invalid UTF-8 and control characters included
        text.insert(Pick(text.size() + 1), 1, static_cast<char>(Pick(256)));
        break;
      default: {  // a run of random bytes
        std::string junk;
        for (size_t n = 1 + Pick(16); n > 0; --n)
          junk += static_cast<char>(Pick(256));
        text.insert(Pick(text.size() + 1), junk);
      }
    }
  }

  std::mt19937_64 rng_;
};

std::string Escaped(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void Exercise(const std::string& text, int iteration) {
  INFO("seed " << kSeed << ", iteration " << iteration << ", input \"" << Escaped(text) << "\"");
  try {
    for (const ast::StatementPtr& statement : ParseSql(text)) {
      CHECK_FALSE(ast::DebugString(*statement).empty());
    }
  } catch (const SqlError& e) {
    CHECK_FALSE(e.sqlstate().empty());
    if (e.position) CHECK(*e.position <= text.size());
    CHECK_FALSE(FormatError(e, text).empty());
  } catch (const std::exception& e) {
    FAIL("not an SqlError: " << e.what());
  } catch (...) {
    FAIL("not an SqlError");
  }
  SqlPieces pieces = SplitSql(text);  // never throws; what it leaves over ends the text
  CHECK(std::string_view(text).ends_with(pieces.rest));
}

TEST_CASE("the corpus itself parses or fails cleanly") {
  int iteration = 0;
  for (const char* text : kCorpus)
    Exercise(text, iteration--);
}

TEST_CASE("mutated statements parse or fail with SqlError") {
  Mutator mutator(kSeed);
  for (int i = 0; i < kIterations; ++i)
    Exercise(mutator.Next(), i);
}

TEST_CASE("random bytes parse or fail with SqlError") {
  std::mt19937_64 rng(kSeed + 1);
  for (int i = 0; i < kIterations / 4; ++i) {
    std::string text(std::uniform_int_distribution<size_t>(0, 64)(rng), '\0');
    // Mostly printable ASCII so the lexer gets past the first byte; some of anything.
    for (char& c : text) {
      auto value = std::uniform_int_distribution<int>(0, 299)(rng);
      c = static_cast<char>(value < 256 ? value : ' ' + value % 95);
    }
    Exercise(text, kIterations + i);
  }
}

}  // namespace
}  // namespace shardql
