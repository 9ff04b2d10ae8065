# Writes a C++ source that holds text files as character arrays, so the binary carries the demo's
# SQL from examples/ and runs from anywhere.
#   cmake -DOUTPUT=out.cpp -DNAMES=kA,kB -DFILES=a.sql,b.sql -P embed_files.cmake
string(REPLACE "," ";" NAMES "${NAMES}")
string(REPLACE "," ";" FILES "${FILES}")
file(WRITE ${OUTPUT} "// Generated from examples/ by frontends/embed_files.cmake; do not edit.\n")
file(APPEND ${OUTPUT} "namespace shardql::embedded {\n")
list(LENGTH NAMES count)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET NAMES ${i} name)
  list(GET FILES ${i} path)
  file(READ ${path} content)
  file(APPEND ${OUTPUT} "extern const char ${name}[] = R\"shardql_embed(${content})shardql_embed\";\n")
endforeach()
file(APPEND ${OUTPUT} "}  // namespace shardql::embedded\n")
