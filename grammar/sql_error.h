#pragma once
// SqlError is the one user-facing error type: a SQLSTATE (PostgreSQL's codes), a message, and where
// in the statement text it points. It is thrown where the problem is found and caught once, at the
// front (shell, slt runner, server), which formats it the way psql does.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shardql {

namespace sqlstate {
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kConnectionFailure = "08006";
inline constexpr const char* kCardinalityViolation = "21000";
inline constexpr const char* kDataException = "22000";
inline constexpr const char* kNumericValueOutOfRange = "22003";
inline constexpr const char* kDatetimeFieldOverflow = "22008";
inline constexpr const char* kInvalidDatetimeFormat = "22007";
inline constexpr const char* kDivisionByZero = "22012";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kIntegrityConstraintViolation = "23000";
inline constexpr const char* kNotNullViolation = "23502";
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kInvalidTransactionState = "25000";
inline constexpr const char* kActiveSqlTransaction = "25001";
inline constexpr const char* kNoActiveSqlTransaction = "25P01";
inline constexpr const char* kInFailedSqlTransaction = "25P02";
inline constexpr const char* kSerializationFailure = "40001";
inline constexpr const char* kInvalidSqlStatementName = "26000";
inline constexpr const char* kInvalidCursorName = "34000";
inline constexpr const char* kSyntaxError = "42601";
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kDuplicateColumn = "42701";
inline constexpr const char* kAmbiguousColumn = "42702";
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kDuplicateObject = "42710";
inline constexpr const char* kDuplicateAlias = "42712";
inline constexpr const char* kGroupingError = "42803";
inline constexpr const char* kDatatypeMismatch = "42804";
inline constexpr const char* kWrongObjectType = "42809";
inline constexpr const char* kUndefinedFunction = "42883";
inline constexpr const char* kAmbiguousFunction = "42725";
inline constexpr const char* kCannotCoerce = "42846";
inline constexpr const char* kUndefinedTable = "42P01";
inline constexpr const char* kDuplicatePreparedStatement = "42P05";
inline constexpr const char* kUndefinedParameter = "42P02";
inline constexpr const char* kDuplicateTable = "42P07";
inline constexpr const char* kInvalidColumnReference = "42P10";
inline constexpr const char* kInvalidTableDefinition = "42P16";
inline constexpr const char* kReservedName = "42939";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kStatementTooComplex = "54001";
inline constexpr const char* kObjectNotInPrerequisiteState = "55000";
inline constexpr const char* kCantChangeRuntimeParam = "55P02";
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kIoError = "58030";
inline constexpr const char* kConfigFileError = "F0000";
inline constexpr const char* kInternalError = "XX000";
}  // namespace sqlstate

class SqlError : public std::runtime_error {
 public:
  SqlError(std::string sqlstate, std::string message);
  SqlError(std::string sqlstate, std::string message, size_t position);

  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& message() const { return message_; }

  // Byte offset into the statement text the error points at, when there is one.
  std::optional<size_t> position;
  std::string detail;
  std::string hint;
  // The shard that reported the error, when a backend did.
  std::string shard;

 private:
  std::string sqlstate_;
  std::string message_;
};

// Formats an error the way psql does with VERBOSITY verbose, plus the line and column:
//   ERROR:  42601: syntax error at or near "FORM" (line 1, column 10)
//   LINE 1: SELECT * FORM t
//                    ^
std::string FormatError(const SqlError& error, std::string_view statement_text);

// 1-based line and column (in characters, not bytes) of a byte offset in text.
struct LineColumn {
  size_t line = 1;
  size_t column = 1;
};
LineColumn LineColumnAt(std::string_view text, size_t offset);

}  // namespace shardql
