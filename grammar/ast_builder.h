#pragma once
// Private to grammar/: the bridge between ANTLR's parse tree and the AST. parser.cpp runs the
// parser; BuildStatements turns its tree into ast::Statements. Generated parser types stay inside
// the .cpp files; only forward-declared antlr4 types appear here.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.h"
#include "grammar/sql_error.h"

namespace antlr4 {
class ParserRuleContext;
class Token;
class TokenStream;
}  // namespace antlr4

namespace shardql::grammar_internal {

// SQLSTATE for invalid UTF-8 (PostgreSQL's character_not_in_repertoire).
inline constexpr const char* kCharacterNotInRepertoire = "22021";

// The statement text. Tokens (grammar/sql_lexer.h) carry byte offsets into it, so a token's
// start and stop indexes are its bytes.
class SourceText {
 public:
  // Strict mode validates UTF-8 first: SqlError 22021 at the first invalid sequence or NUL byte.
  void Load(std::string_view text, bool strict);

  std::string_view text() const { return text_; }

  ast::SourceSpan TokenSpan(const antlr4::Token* token) const;
  std::string_view TokenText(const antlr4::Token* token) const;
  // From the first byte of ctx's first token to the last byte of its last token.
  ast::SourceSpan Span(antlr4::ParserRuleContext* ctx) const;
  std::string_view Text(ast::SourceSpan span) const {
    return text_.substr(span.begin, span.end - span.begin);
  }

 private:
  std::string_view text_;
};

// Turns a parsed `script` (ShardQLParser::ScriptContext) into statements. Throws SqlError for what
// the grammar accepts but the AST cannot hold: bad literals, nesting beyond
// kMaxParseNestingDepth, WITH RECURSIVE.
std::vector<ast::StatementPtr> BuildStatements(antlr4::ParserRuleContext* script,
                                               const SourceText& source,
                                               antlr4::TokenStream& tokens);

// ` at or near "<text>"`, PostgreSQL's way of quoting the token an error points at (long tokens
// are cut).
std::string AtOrNear(std::string_view token_text);

// SqlError 54001 for input nested deeper than the parser accepts.
SqlError NestingTooDeep(size_t position);

}  // namespace shardql::grammar_internal
