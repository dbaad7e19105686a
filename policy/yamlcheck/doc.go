// Package yamlcheck reads strict YAML files, such as the policy file and the directory file:
// one document, no field the format does not have, and every mistake reported at once, each
// with its line and the field it is about, in words an operator who has never seen Go
// understands. Whoever edits the file then fixes every mistake in one pass.
//
// [Format.Read] parses a file, decodes it into the file-format types, and records the decoder's
// messages in plain words, each pinned to its field by the format's Pin. The caller then checks
// the values, adds what it finds to the [Problems], and reports [Problems.Err]: every mistake in
// file order. How a message is pinned, and which mistakes make others redundant, are each file's
// own rules: the policy file tracks mistakes by field, the directory file by line.
package yamlcheck
