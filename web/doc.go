// Package web serves caseflow's pages from the same binary as the API: sign-in, raising a
// concern, the carers' page, the social workers' work list and case page, and the managers'
// overdue board. Pages are server-rendered shells (html/template) whose data comes from the API
// as the signed-in person, so a page can never show more than the API allows that person.
//
// People sign in through the agency's identity provider (OpenID Connect, see signin.go), or in
// development by picking a role. Either way the browser holds only an HttpOnly session cookie;
// the pages send the session's CSRF token with every request that changes something. Templates
// and assets are embedded; nothing needs building.
package web
