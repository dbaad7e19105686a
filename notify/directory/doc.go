// Package directory says who is who in the agency, for the messages caseflow sends: each
// person's display name, email address, team and role; each team's managers; the Safeguarding
// Lead and their deputies; and who covers when the office is closed.
//
// It comes from a directory file, validated as strictly as the policy file (every mistake
// reported with its line), and may be completed by what the identity provider says of a person
// when they sign in (Learn): the file always wins. Chases name their recipients as the domain
// does (a person, or "the managers of team north", or "the Safeguarding Lead"); Resolve turns
// each into the people to email.
package directory
