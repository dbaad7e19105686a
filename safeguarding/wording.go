package safeguarding

import (
	"sort"
	"strconv"
	"strings"

	"github.com/caseflow/caseflow/policy"
)

// Flag is wording the agency policy asks staff not to use, with the wording it prefers.
type Flag = policy.Flag

// freeText is a step with fields people write in their own words. Their wording is checked
// against the agency's list (see checkLists); what the child said, quoted, stays as written when
// the person recording confirms it.
type freeText interface {
	freeText() []written
}

// checkWording refuses free text that uses language blaming the child, naming each phrase and
// the wording to use instead. The request changes nothing, so the text is never lost: the person
// rewords it, or confirms they are quoting someone.
func checkWording(t freeText, w interface{ Flag(string) []Flag }) error {
	fields := map[string]string{}
	var phrases []string
	for _, field := range t.freeText() {
		var found []string
		for _, f := range w.Flag(field.text) {
			found = append(found, strconv.Quote(f.Phrase)+": say "+strconv.Quote(f.Suggestion))
			phrases = append(phrases, strconv.Quote(f.Phrase))
		}
		if len(found) > 0 {
			fields[field.name] = strings.Join(found, "; ")
		}
	}
	if len(fields) == 0 {
		return nil
	}
	sort.Strings(phrases)
	return &Error{
		Code: EInvalid,
		Message: "Some wording (" + strings.Join(phrases, ", ") + ") can blame the child for what was done to them. " +
			"Please reword it as suggested, or confirm that you are quoting someone and keep it as written.",
		Fields: fields,
	}
}

// written is one field a person wrote, named as the API names it, in a fixed order so that a
// validator's message reads the same on every replay.
type written struct{ name, text string }

func (d *ConcernDetails) freeText() []written {
	texts := []written{{"account", d.Account}}
	for i, in := range d.Indicators {
		texts = append(texts, written{"indicators[" + strconv.Itoa(i) + "].note", in.Note})
	}
	return texts
}

func (r *RecordWithdrawal) freeText() []written { return []written{{"note", r.Note}} }
func (r *AddContribution) freeText() []written {
	return []written{{"text", r.Text}, {"topic", r.Topic}}
}
func (r *AgreeCarePlan) freeText() []written     { return []written{{"summary", r.Summary}} }
func (r *RecordReview) freeText() []written      { return []written{{"outcome", r.Outcome}} }
func (r *RecordMeeting) freeText() []written     { return []written{{"outcome", r.Outcome}} }
func (r *RequestClosure) freeText() []written    { return []written{{"note", r.Note}} }
func (r *RecordOffence) freeText() []written     { return []written{{"offence", r.Offence}} }
func (r *RecordAllegation) freeText() []written  { return []written{{"summary", r.Summary}} }
func (r *RecordCSCDecision) freeText() []written { return []written{{"note", r.Note}} }
func (r *ReviewNFA) freeText() []written         { return []written{{"note", r.Note}} }
func (r *RecordAgeAssessment) freeText() []written {
	return []written{{"note", r.Note}}
}
