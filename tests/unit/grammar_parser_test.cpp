// Unit tests of the parser's contract: error codes and positions, SplitSql, source spans,
// parameter numbering, literal decoding, and the inputs that must fail cleanly however large or
// deep they are.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "grammar/parser.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

using namespace std::string_literals;

std::string Repeat(std::string_view piece, size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (size_t i = 0; i < times; ++i)
    out += piece;
  return out;
}

// The error ParseSql raises for `text`; fails the test when it raises none.
SqlError ErrorOf(std::string_view text) {
  try {
    ParseSql(text);
  } catch (const SqlError& e) {
    return e;
  }
  FAIL("expected an error for: " << text);
  return SqlError("", "");
}

ast::StatementPtr ParseOne(std::string_view text) {
  std::vector<ast::StatementPtr> statements = ParseSql(text);
  REQUIRE(statements.size() == 1);
  return std::move(statements[0]);
}

const ast::SelectCore& CoreOf(const ast::Statement& statement) {
  REQUIRE(statement.kind == ast::StatementKind::kSelect);
  const ast::Query& query = *statement.As<ast::SelectStatement>().query;
  REQUIRE(query.body->kind == ast::QueryBodyKind::kSelect);
  return *query.body->select;
}

std::string_view SpanText(std::string_view text, ast::SourceSpan span) {
  return text.substr(span.begin, span.end - span.begin);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST_CASE("syntax errors point at the offending token's line and column") {
  // After `b` a word would be an alias, so the statement goes wrong only at `t`.
  std::string text = "SELECT 1;\nSELECT a,\n       b\n  FORM t;";
  SqlError e = ErrorOf(text);
  CHECK(e.sqlstate() == "42601");
  CHECK(e.message() == "syntax error at or near \"t\"");
  REQUIRE(e.position);
  CHECK(*e.position == text.find(" t;") + 1);
  LineColumn at = LineColumnAt(text, *e.position);
  CHECK(at.line == 4);
  CHECK(at.column == 8);
}

TEST_CASE("an error at end of input points past the last byte") {
  std::string text = "SELECT a\nFROM t\nWHERE a = ";
  SqlError e = ErrorOf(text);
  CHECK(e.sqlstate() == "42601");
  CHECK(e.message() == "syntax error at end of input");
  CHECK(e.position == text.size());
  LineColumn at = LineColumnAt(text, *e.position);
  CHECK(at.line == 3);
  CHECK(at.column == 11);
}

TEST_CASE("columns count characters, positions count bytes") {
  std::string text = "SELECT 'été',\n  'ü', * FORM t";
  SqlError e = ErrorOf(text);
  CHECK(*e.position == text.find("FORM"));
  LineColumn at = LineColumnAt(text, *e.position);
  CHECK(at.line == 2);
  CHECK(at.column == 10);
}

TEST_CASE("lexical errors carry PostgreSQL's messages") {
  std::string text = "SELECT 1;\nSELECT 'abc";
  SqlError e = ErrorOf(text);
  CHECK(e.sqlstate() == "42601");
  CHECK(e.message() == "unterminated quoted string at or near \"'abc\"");
  CHECK(*e.position == text.find('\''));

  e = ErrorOf("SELECT 1 /* a /* b */");
  CHECK(e.message() == "unterminated /* comment at or near \"/* a /* b */\"");
  CHECK(e.position == 9u);

  e = ErrorOf("SELECT \"abc");
  CHECK(e.message() == "unterminated quoted identifier at or near \"\"abc\"");
  e = ErrorOf("SELECT $$abc");
  CHECK(e.message() == "unterminated dollar-quoted string at or near \"$$abc\"");
}

TEST_CASE("a syntax error before a lexical error is reported first") {
  SqlError e = ErrorOf("SELECT * FORM t WHERE a = 'open");
  CHECK(e.message() == "syntax error at or near \"FORM\"");
}

TEST_CASE("long tokens are cut in messages") {
  std::string text = "SELECT '" + std::string(5000, 'x');
  SqlError e = ErrorOf(text);
  CHECK(e.message().size() < 1100);
  CHECK(e.message().ends_with("...\""));
}

TEST_CASE("invalid UTF-8 is 22021 at the first bad byte") {
  struct Case {
    std::string text;
    size_t position;
    std::string bytes;
  };
  const Case cases[] = {
      {"SELECT '\xff'", 8, "0xff"},
      {"SELECT 'a\xc3\x28'", 9, "0xc3 0x28"},                   // bad continuation
      {"SELECT '\xc0\xaf'", 8, "0xc0 0xaf"},                    // overlong
      {"SELECT '\xed\xa0\x80'", 8, "0xed 0xa0 0x80"},           // UTF-16 surrogate
      {"SELECT '\xf4\x90\x80\x80'", 8, "0xf4 0x90 0x80 0x80"},  // above U+10FFFF
      {"SELECT 'é' || '\xe2\x82", 16, "0xe2 0x82"},             // truncated at the end
      {"SELECT 1\0"s, 8, "0x00"},                               // NUL
  };
  for (const Case& c : cases) {
    INFO(c.text);
    SqlError e = ErrorOf(c.text);
    CHECK(e.sqlstate() == "22021");
    CHECK(e.message() == "invalid byte sequence for encoding \"UTF8\": " + c.bytes);
    CHECK(e.position == c.position);
  }
}

TEST_CASE("WITH RECURSIVE is the one 0A000") {
  SqlError e = ErrorOf("WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r");
  CHECK(e.sqlstate() == "0A000");
  CHECK(e.position == 5u);
}

TEST_CASE("the parser recovers fully after an error") {
  CHECK_THROWS_AS(ParseSql("SELECT (((("), SqlError);
  CHECK_THROWS_AS(ParseSql("SELECT 'open"), SqlError);
  CHECK_THROWS_AS(ParseSql("SELECT /* open"), SqlError);
  CHECK(ParseSql("SELECT 1; SELECT (2)").size() == 2);
}

TEST_CASE("valid statements stay on the SLL fast path; errors take the LL retry") {
  uint64_t before = internal::LlFallbackCount();
  ParseSql("SELECT a, b FROM t JOIN u ON t.x = u.x WHERE a BETWEEN 1 AND 2 ORDER BY 1 LIMIT 3");
  ParseSql("INSERT INTO t (a) VALUES (1), (2); UPDATE t SET a = 1 WHERE b IN (SELECT c FROM d)");
  CHECK(internal::LlFallbackCount() == before);
  CHECK_THROWS_AS(ParseSql("SELECT * FORM t"), SqlError);
  CHECK(internal::LlFallbackCount() == before + 1);
}

// ---------------------------------------------------------------------------------------------
// SplitSql

// The statements SplitSql finds, then the unfinished rest (or "(blank)").
std::vector<std::string> Pieces(std::string_view text) {
  SqlPieces p = SplitSql(text);
  std::vector<std::string> out = p.statements;
  out.push_back(p.rest_blank ? "(blank)" : p.rest);
  return out;
}
using Strings = std::vector<std::string>;

TEST_CASE("SplitSql cuts at top-level semicolons only") {
  CHECK(Pieces("SELECT 1;") == Strings{"SELECT 1", "(blank)"});
  CHECK(Pieces(";") == Strings{"(blank)"});
  CHECK(Pieces(";;  ; -- only comments\n") == Strings{"(blank)"});
  CHECK(Pieces("SELECT 1; -- done") == Strings{"SELECT 1", "(blank)"});
  CHECK(Pieces("SELECT 1; /* done */") == Strings{"SELECT 1", "(blank)"});
  CHECK(Pieces("SELECT 1; SELECT 2;") == Strings{"SELECT 1", " SELECT 2", "(blank)"});
  CHECK(Pieces("SELECT 1; SELECT 2") == Strings{"SELECT 1", " SELECT 2"});
  CHECK(Pieces("SELECT 'a;b'; SELECT \"x;y\" FROM t; -- c;d\nSELECT 1 /* e; /* f; */ g; */ ;"
               " SELECT $$h;i$$; SELECT E'j\\';k'; SELECT 2") ==
        Strings{"SELECT 'a;b'", " SELECT \"x;y\" FROM t", " -- c;d\nSELECT 1 /* e; /* f; */ g; */ ",
                " SELECT $$h;i$$", " SELECT E'j\\';k'", " SELECT 2"});
  CHECK(Pieces("SELECT '\xff';") == Strings{"SELECT '\xff'", "(blank)"});  // bad UTF-8: no throw

  // Still open: the rest is the unfinished statement.
  CHECK(Pieces("") == Strings{"(blank)"});
  CHECK(Pieces("SELECT ';'") == Strings{"SELECT ';'"});
  CHECK(Pieces("SELECT 'a;") == Strings{"SELECT 'a;"});
  CHECK(Pieces("SELECT E'\\';'") == Strings{"SELECT E'\\';'"});
  CHECK(Pieces("SELECT $$;") == Strings{"SELECT $$;"});
  CHECK(Pieces("SELECT 1 -- ;") == Strings{"SELECT 1 -- ;"});
  CHECK(Pieces("SELECT 1; /* open") == Strings{"SELECT 1", " /* open"});
  CHECK(Pieces("SELECT 1; /* a /* b */ ;") == Strings{"SELECT 1", " /* a /* b */ ;"});  // nested
  CHECK(Pieces("SELECT 1;\0"s) == Strings{"SELECT 1", "\0"s});
}

TEST_CASE("SplitSql keeps a trigger body whole, up to its END") {
  std::string trigger = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n";
  CHECK(SplitSql(trigger).statements.empty());
  trigger += "  UPDATE u SET n = CASE WHEN new.a THEN 1 END;\n";
  CHECK(SplitSql(trigger).statements.empty());
  trigger += "  INSERT INTO log VALUES (1);\n";
  CHECK(SplitSql(trigger).statements.empty());
  trigger += "END";
  CHECK(SplitSql(trigger).statements.empty());
  CHECK(Pieces(trigger + ";") == Strings{trigger, "(blank)"});
  CHECK(Pieces(trigger + "; SELECT 1;") == Strings{trigger, " SELECT 1", "(blank)"});
  CHECK(SplitSql("CREATE TEMP TRIGGER x BEGIN SELECT 1;").statements.empty());
  // What the shell collects parses as one statement (refused later as unsupported, not as a
  // syntax error in half of it).
  CHECK(ParseSql(trigger).size() == 1);
}

// ---------------------------------------------------------------------------------------------
// Spans

TEST_CASE("select item and expression spans are the text as written") {
  std::string text = "SELECT a + 1, b  AS  c, t.*, count(*) FROM t";
  ast::StatementPtr statement = ParseOne(text);
  const ast::SelectCore& core = CoreOf(*statement);
  REQUIRE(core.items.size() == 4);
  CHECK(SpanText(text, core.items[0].span) == "a + 1");
  CHECK(SpanText(text, core.items[0].expr->span) == "a + 1");
  CHECK(SpanText(text, core.items[1].span) == "b  AS  c");
  CHECK(SpanText(text, core.items[1].expr->span) == "b");
  CHECK(SpanText(text, core.items[2].span) == "t.*");
  CHECK(SpanText(text, core.items[3].expr->span) == "count(*)");
  const auto& sum = core.items[0].expr->As<ast::Binary>();
  CHECK(SpanText(text, sum.left->span) == "a");
  CHECK(SpanText(text, sum.right->span) == "1");
}

TEST_CASE("spans are byte offsets, also after multi-byte characters") {
  std::string text = "SELECT 'ü€😀', x  +  y FROM \"tåble\" AS t WHERE x = 'é'";
  ast::StatementPtr statement = ParseOne(text);
  const ast::SelectCore& core = CoreOf(*statement);
  CHECK(SpanText(text, core.items[0].span) == "'ü€😀'");
  CHECK(SpanText(text, core.items[1].span) == "x  +  y");
  CHECK(SpanText(text, core.from[0]->span) == "\"tåble\" AS t");
  CHECK(SpanText(text, core.where->span) == "x = 'é'");
  CHECK(statement->span.end == text.size());
}

TEST_CASE("statement spans leave out the ';' and the space around it") {
  std::string text = "  SELECT 1 ; \n INSERT INTO t VALUES (1);;";
  std::vector<ast::StatementPtr> statements = ParseSql(text);
  REQUIRE(statements.size() == 2);
  CHECK(SpanText(text, statements[0]->span) == "SELECT 1");
  CHECK(SpanText(text, statements[1]->span) == "INSERT INTO t VALUES (1)");
}

TEST_CASE("spans of joins, order items, assignments and typed literals") {
  std::string text =
      "SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (y) ORDER BY a.x DESC NULLS LAST";
  ast::StatementPtr statement = ParseOne(text);
  const ast::Query& query = *statement->As<ast::SelectStatement>().query;
  CHECK(SpanText(text, query.body->select->from[0]->span) ==
        "a JOIN b ON a.x = b.x LEFT JOIN c USING (y)");
  const auto& outer = query.body->select->from[0]->As<ast::JoinRef>();
  CHECK(SpanText(text, outer.left->span) == "a JOIN b ON a.x = b.x");
  CHECK(SpanText(text, query.order_by[0].span) == "a.x DESC NULLS LAST");
  CHECK(query.span.begin == 0);
  CHECK(query.span.end == text.size());

  text = "UPDATE t SET a = DATE '2020-01-01', b = DEFAULT";
  statement = ParseOne(text);
  const auto& update = statement->As<ast::UpdateStatement>();
  CHECK(SpanText(text, update.assignments[0].span) == "a = DATE '2020-01-01'");
  CHECK(SpanText(text, update.assignments[0].value->span) == "DATE '2020-01-01'");
  CHECK(SpanText(text, update.assignments[1].span) == "b = DEFAULT");
}

TEST_CASE("CREATE VIEW keeps the query text exactly") {
  std::string query = "SELECT a,\n       b /* the b */ FROM t\n WHERE a > 'x;y'";
  std::string text = "CREATE VIEW v (x, y) AS " + query + " ; SELECT 1";
  std::vector<ast::StatementPtr> statements = ParseSql(text);
  REQUIRE(statements.size() == 2);
  const auto& view = statements[0]->As<ast::CreateViewStatement>();
  CHECK(view.query_text == query);
  CHECK(SpanText(text, view.query->span) == query);
}

TEST_CASE("column definition and constraint spans") {
  std::string text =
      "CREATE TABLE t (id int PRIMARY KEY, name text REFERENCES u (n), UNIQUE (name))";
  ast::StatementPtr statement = ParseOne(text);
  const auto& create = statement->As<ast::CreateTableStatement>();
  CHECK(SpanText(text, create.columns[0].span) == "id int PRIMARY KEY");
  CHECK(SpanText(text, create.columns[0].type->span) == "int");
  REQUIRE(create.constraints.size() == 2);
  CHECK(SpanText(text, create.constraints[0].span) == "REFERENCES u (n)");
  CHECK(SpanText(text, create.constraints[1].span) == "UNIQUE (name)");
}

// ---------------------------------------------------------------------------------------------
// Parameters and literals

std::vector<uint32_t> ParamIndexes(std::string_view text) {
  std::vector<uint32_t> out;
  std::string debug;
  for (const ast::StatementPtr& statement : ParseSql(text))
    debug += ast::DebugString(*statement);
  for (size_t at = debug.find("(param "); at != std::string::npos;
       at = debug.find("(param ", at + 1)) {
    out.push_back(static_cast<uint32_t>(std::stoul(debug.substr(at + 7))));
  }
  return out;
}

TEST_CASE("? takes the number after the highest seen so far, in text order") {
  CHECK(ParamIndexes("SELECT ?, ?, ?") == std::vector<uint32_t>{1, 2, 3});
  CHECK(ParamIndexes("SELECT $3, ?") == std::vector<uint32_t>{3, 4});
  CHECK(ParamIndexes("SELECT ?, $1, ?") == std::vector<uint32_t>{1, 1, 2});
  CHECK(ParamIndexes("SELECT ?, $7, ?, $2, ?") == std::vector<uint32_t>{1, 7, 8, 2, 9});
  // The AST keeps LIMIT a, b as LIMIT b OFFSET a; the numbers still follow the text.
  CHECK(ParamIndexes("SELECT ? FROM t WHERE a = (SELECT ?) LIMIT ?, ?") ==
        std::vector<uint32_t>{1, 2, 4, 3});
  CHECK(ParamIndexes("SELECT ?; SELECT ?") == std::vector<uint32_t>{1, 1});
  CHECK(ParamIndexes("EXPLAIN SELECT ?, ?") == std::vector<uint32_t>{1, 2});
}

const ast::Literal& FirstLiteral(const ast::StatementPtr& statement) {
  const ast::Expr& expr = *CoreOf(*statement).items[0].expr;
  REQUIRE(expr.kind == ast::ExprKind::kLiteral);
  return expr.As<ast::Literal>();
}

TEST_CASE("literals are decoded") {
  struct Case {
    std::string sql;
    ast::LiteralKind kind;
    std::string text;
  };
  const Case cases[] = {
      {"SELECT 'it''s'", ast::LiteralKind::kString, "it's"},
      {"SELECT ''", ast::LiteralKind::kString, ""},
      {"SELECT E'a\\nb\\t\\\\\\''", ast::LiteralKind::kString, "a\nb\t\\'"},
      {"SELECT E'\\101\\x42\\u00e9\\U0001F600'", ast::LiteralKind::kString,
       "AB\xc3\xa9\xf0\x9f\x98\x80"},
      {"SELECT E'\\uD83D\\uDE00'", ast::LiteralKind::kString, "\xf0\x9f\x98\x80"},  // a pair
      {"SELECT $$a 'b' \\n$$", ast::LiteralKind::kString, "a 'b' \\n"},
      {"SELECT X'0A1bFF'", ast::LiteralKind::kBlob, "\x0a\x1b\xff"},
      {"SELECT x''", ast::LiteralKind::kBlob, ""},
      {"SELECT 0x1F", ast::LiteralKind::kInteger, "31"},
      {"SELECT 0xFFFFFFFFFFFFFFFF", ast::LiteralKind::kInteger, "-1"},
      {"SELECT -0x8000000000000000", ast::LiteralKind::kInteger, "9223372036854775808"},
      {"SELECT -9223372036854775808", ast::LiteralKind::kInteger, "-9223372036854775808"},
      {"SELECT 18446744073709551616", ast::LiteralKind::kInteger, "18446744073709551616"},
      {"SELECT 1.50", ast::LiteralKind::kFloat, "1.50"},
      {"SELECT -.5e-3", ast::LiteralKind::kFloat, "-.5e-3"},
      {"SELECT TRUE", ast::LiteralKind::kBoolean, "true"},
      {"SELECT False", ast::LiteralKind::kBoolean, "false"},
      {"SELECT NULL", ast::LiteralKind::kNull, ""},
  };
  for (const Case& c : cases) {
    INFO(c.sql);
    ast::StatementPtr statement = ParseOne(c.sql);
    const ast::Literal& literal = FirstLiteral(statement);
    CHECK(literal.literal_kind == c.kind);
    CHECK(literal.text == c.text);
  }
}

TEST_CASE("identifiers fold ASCII letters only; quoted ones keep everything") {
  ast::StatementPtr statement = ParseOne("SELECT AbC, \"AbC\", ÄbC, \"a\"\"b\" FROM t");
  const ast::SelectCore& core = CoreOf(*statement);
  auto name = [&](size_t i) { return core.items[i].expr->As<ast::ColumnRef>().parts[0]; };
  CHECK(name(0) == "abc");
  CHECK(name(1) == "AbC");
  CHECK(name(2) == "Äbc");
  CHECK(name(3) == "a\"b");
}

TEST_CASE("ToString spellings") {
  CHECK(std::string(ast::ToString(ast::BinaryOp::kConcat)) == "||");
  CHECK(std::string(ast::ToString(ast::BinaryOp::kNotEq)) == "<>");
  CHECK(std::string(ast::ToString(ast::BinaryOp::kShiftRight)) == ">>");
  CHECK(std::string(ast::ToString(ast::BinaryOp::kOr)) == "OR");
  CHECK(std::string(ast::ToString(ast::UnaryOp::kBitNot)) == "~");
  CHECK(std::string(ast::ToString(ast::UnaryOp::kNot)) == "NOT");
  CHECK(std::string(ast::ToString(ast::JoinKind::kFull)) == "FULL");
  CHECK(std::string(ast::ToString(ast::SetOpKind::kIntersect)) == "INTERSECT");
  CHECK(std::string(ast::ToString(ast::StatementKind::kCreateIndex)) == "CREATE INDEX");
}

// ---------------------------------------------------------------------------------------------
// Pathological input: each must end in an SqlError with the right SQLSTATE (or succeed), never a
// crash, and quickly. The time bound is loose on purpose: it catches quadratic behaviour, not
// a slow machine.

struct Outcome {
  std::string sqlstate;  // empty on success
  double seconds = 0;
};

Outcome Run(const std::string& text) {
  auto start = std::chrono::steady_clock::now();
  Outcome outcome;
  try {
    ParseSql(text);
  } catch (const SqlError& e) {
    outcome.sqlstate = e.sqlstate();
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

void CheckOutcome(const std::string& what, const std::string& text, const std::string& sqlstate) {
  INFO(what);
  Outcome outcome = Run(text);
  CHECK(outcome.sqlstate == sqlstate);
  CHECK(outcome.seconds < 10.0);
}

constexpr size_t kMegabyte = 1 << 20;

TEST_CASE("deep nesting fails with 54001") {
  CheckOutcome("1 MB of (", std::string(kMegabyte, '('), "54001");
  CheckOutcome("SELECT and 1 MB of (", "SELECT " + std::string(kMegabyte, '('), "54001");
  CheckOutcome("1 MB chain 1+1+1", "SELECT 1" + Repeat("+1", kMegabyte / 2), "54001");
  CheckOutcome("100k NOT", "SELECT " + Repeat("NOT ", 100000) + "TRUE", "54001");
  CheckOutcome("100k unary minus", "SELECT " + Repeat("- ", 100000) + "1", "54001");
  CheckOutcome("100k nested CASE",
               "SELECT " + Repeat("CASE WHEN ", 100000) + "1" + Repeat(" THEN 1 END", 100000),
               "54001");
  CheckOutcome("100k CASE operands", "SELECT " + Repeat("CASE ", 100000), "54001");
  CheckOutcome("100k casts", "SELECT 1" + Repeat("::int", 100000), "54001");
  CheckOutcome("100k AND", "SELECT 1 WHERE " + Repeat("a = 1 AND ", 100000) + "TRUE", "54001");
  CheckOutcome("100k UNION", "SELECT 1" + Repeat(" UNION SELECT 1", 100000), "54001");
  CheckOutcome("100k INTERSECT", "SELECT 1" + Repeat(" INTERSECT SELECT 1", 100000), "54001");
  CheckOutcome("100k JOIN", "SELECT * FROM t" + Repeat(" JOIN t ON TRUE", 100000), "54001");
  CheckOutcome("100k EXPLAIN", Repeat("EXPLAIN ", 100000) + "SELECT 1", "54001");
  CheckOutcome("100k nested subqueries", "SELECT " + Repeat("(SELECT ", 100000), "54001");
  CheckOutcome("100k nested EXISTS", "SELECT " + Repeat("EXISTS (SELECT ", 100000), "54001");
  CheckOutcome("100k CASE in a trigger body",
               "CREATE TRIGGER x BEGIN " + Repeat("CASE ", 100000) + " END", "54001");
}

TEST_CASE("nesting within the limits parses") {
  CheckOutcome("400 parentheses", "SELECT " + Repeat("(", 400) + "1" + Repeat(")", 400), "");
  CheckOutcome("100 nested subqueries",
               Repeat("SELECT * FROM (", 100) + "SELECT 1" + Repeat(") AS s", 100), "");
  CheckOutcome("a chain of 900 operators", "SELECT 1" + Repeat(" + 1", 900), "");
  CheckOutcome("200 nested CASE",
               "SELECT " + Repeat("CASE WHEN ", 200) + "1" + Repeat(" THEN 1 END", 200), "");
  CheckOutcome("500 UNIONs", "SELECT 1" + Repeat(" UNION SELECT 1", 500), "");
  CheckOutcome("a 10k-element IN list", "SELECT 1 IN (" + Repeat("1, ", 10000) + "1)", "");
  CheckOutcome("10k nested comments", Repeat("/* ", 10000) + Repeat(" */", 10000) + " SELECT 1",
               "");
}

TEST_CASE("huge tokens") {
  CheckOutcome("1 MB identifier", "SELECT " + std::string(kMegabyte, 'a'), "");
  CheckOutcome("1 MB quoted identifier", "SELECT \"" + std::string(kMegabyte, 'a') + "\"", "");
  CheckOutcome("1 MB string", "SELECT '" + std::string(kMegabyte, 'a') + "'", "");
  CheckOutcome("1 MB unterminated string", "SELECT '" + std::string(kMegabyte, 'a'), "42601");
  CheckOutcome("1 MB comment", "SELECT 1 /*" + std::string(kMegabyte, '*'), "42601");
  CheckOutcome("1 MB of nested comment openings", Repeat("/*", kMegabyte / 2), "42601");
  CheckOutcome("1 MB number", "SELECT " + std::string(kMegabyte, '9'), "");
  CheckOutcome("1 MB of multi-byte letters", "SELECT " + Repeat("é", kMegabyte / 2), "");
  CheckOutcome("1 MB string of multi-byte letters", "SELECT '" + Repeat("€", kMegabyte / 3) + "'",
               "");
  CheckOutcome("U+0001 is not a letter", "SELECT a\x01b", "42601");
}

TEST_CASE("odd bytes") {
  CheckOutcome("NUL", "SELECT 1 \0 FROM t"s, "22021");
  CheckOutcome("only NULs", std::string(1000, '\0'), "22021");
  CheckOutcome("control characters", "SELECT \x01\x02\x7f", "42601");
  CheckOutcome("empty", "", "");
  CheckOutcome("1 MB of spaces", std::string(kMegabyte, ' '), "");
  CheckOutcome("1 MB of garbage", Repeat("@#{}[]!", kMegabyte / 7), "42601");
}

TEST_CASE("ParseSql is safe to call from several threads") {
  const char* statements[] = {
      "SELECT a, b FROM t WHERE x = 1 AND y IN (1, 2)",
      "INSERT INTO t VALUES (1, 'a')",
      "SELECT * FROM a JOIN b USING (x) ORDER BY 1 LIMIT 3",
      "SELECT * FORM t",
  };
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        try {
          ParseSql(statements[(i + t) % 4]);
          if ((i + t) % 4 == 3) ++failures[t];
        } catch (const SqlError&) {
          if ((i + t) % 4 != 3) ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  CHECK(failures == std::vector<int>(4, 0));
}

}  // namespace
}  // namespace shardql
