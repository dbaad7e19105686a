// Package contacts carries what the identity provider says of people at sign-in (their email
// and name) from the process that signs them in (serve) to the one that emails them (the
// worker). It travels through a small workflow, DirectoryContacts: Temporal keeps it with the
// other personal data caseflow holds, in workflow payloads, never in Redis. The directory file
// always wins (directory.Learn).
package contacts
