package safeguarding

// The agency policy's vocabulary as stable codes. Codes are what the API accepts and what the
// workflow stores; labels are what people read. Codes never change once released: old case
// histories hold them.

// Code is a stable identifier with the wording the agency policy uses for it.
type Code struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	// Parent groups a specific form under its type, e.g. county lines under criminal exploitation.
	Parent string `json:"parent,omitempty"`
}

// ExploitationTypes are the policy's four main types of modern slavery, their named forms, and
// trafficking.
var ExploitationTypes = []Code{
	{Code: "labour-exploitation", Label: "Labour exploitation"},
	{Code: "debt-bondage", Label: "Debt bondage", Parent: "labour-exploitation"},
	{Code: "domestic-servitude", Label: "Domestic servitude"},
	{Code: "criminal-exploitation", Label: "Criminal exploitation"},
	{Code: "county-lines", Label: "County lines", Parent: "criminal-exploitation"},
	{Code: "cannabis-cultivation", Label: "Cannabis cultivation", Parent: "criminal-exploitation"},
	{Code: "sexual-exploitation", Label: "Sexual exploitation"},
	{Code: "trafficking", Label: "Child trafficking"},
	// Reports of sexual harassment may indicate abuse, exploitation or modern slavery: the
	// agency policy expects carers and staff to report it.
	{Code: "sexual-harassment", Label: "Sexual harassment"},
}

// TraffickingPurposes are the policy's list of what children are trafficked for.
var TraffickingPurposes = []Code{
	{Code: "sexual-exploitation", Label: "Child sexual exploitation"},
	{Code: "cannabis-cultivation", Label: "Criminal activity: cannabis cultivation"},
	{Code: "street-crime", Label: "Criminal activity: street crime (pickpocketing, begging, bag theft)"},
	{Code: "cuckooing", Label: "Criminal activity: cuckooing"},
	{Code: "moving-drugs", Label: "Criminal activity: moving drugs"},
	{Code: "benefit-fraud", Label: "Criminal activity: benefit fraud"},
	{Code: "immigration-fraud", Label: "Criminal activity: immigration fraud"},
	{Code: "pirated-goods", Label: "Criminal activity: selling pirated goods"},
	{Code: "forced-marriage", Label: "Forced marriage"},
	{Code: "domestic-servitude", Label: "Domestic servitude (cleaning, childcare, cooking)"},
	{Code: "forced-labour", Label: "Forced labour (restaurants, nail bars, factories, agriculture)"},
	{Code: "illegal-adoption", Label: "Illegal adoption"},
	{Code: "private-fostering", Label: "Unreported private fostering arrangement"},
	{Code: "other", Label: "Other purpose (describe)"},
}

// Indicators are the policy's "Signs and indicators of trafficking or child exploitation".
var Indicators = []Code{
	{Code: "disclosure", Label: "Shares with a trusted person that they are being exploited or abused"},
	{Code: "missing-episodes", Label: "Frequent missing from home or school episodes"},
	{Code: "found-out-of-area", Label: "Found out of area"},
	{Code: "bullying", Label: "Bullying in or out of school"},
	{Code: "school-decline", Label: "Significant decline in school results"},
	{Code: "unexplained-items", Label: "High-value items with no credible explanation"},
	{Code: "hiding-weapons-money-drugs", Label: "Hiding weapons, money or drugs in the home"},
	{Code: "multiple-phones", Label: "Owns more than one mobile phone"},
	{Code: "secretive-devices", Label: "Secretive about devices, long unsupervised use"},
	{Code: "excessive-calls", Label: "Excessive texts or phone calls"},
	{Code: "suspected-criminal-behaviour", Label: "Suspected, arrested or convicted of criminal behaviour"},
	{Code: "criminal-associates", Label: "Criminal associates"},
	{Code: "unknown-adults", Label: "Contact with adults unknown to the social worker"},
	{Code: "older-boyfriend", Label: "Has an older 'boyfriend'"},
	{Code: "repeat-sti-pregnancy", Label: "Repeat sexually transmitted infections, pregnancy or terminations"},
	{Code: "family-involvement", Label: "Family involvement in sexual exploitation"},
	{Code: "picked-up-by-strangers", Label: "Picked up by strangers, possibly in vehicles"},
	{Code: "unaccompanied-unexplained", Label: "Unaccompanied, with no clear explanation of the journey to the UK"},
	{Code: "criminal-activities", Label: "Involved in criminal activities"},
	{Code: "recruiting-others", Label: "Recruiting others to criminal activities"},
	{Code: "falsified-documents", Label: "Has falsified documents"},
	{Code: "inconsistent-history", Label: "Inconsistent account of life before the placement"},
	{Code: "inconsistent-relationships", Label: "Inconsistent about relationships and activities outside the home"},
	{Code: "drugs-alcohol", Label: "Drug and alcohol problems"},
	{Code: "disturbed-sleep", Label: "Disturbed sleep patterns"},
	{Code: "unexplained-physical-symptoms", Label: "Headaches or physical problems with no underlying cause"},
	{Code: "emotional-mental-health", Label: "Emotional and mental health problems"},
	{Code: "other", Label: "Other sign (describe)"},
}

// VulnerabilityFactors are the policy's factors that heighten a child's vulnerability.
var VulnerabilityFactors = []Code{
	{Code: "looked-after", Label: "Child looked after (especially residential or interrupted care)"},
	{Code: "prior-abuse-neglect", Label: "Prior neglect, physical or sexual abuse"},
	{Code: "unstable-home", Label: "No safe or stable home, now or in the past"},
	{Code: "social-isolation", Label: "Social isolation or social difficulties"},
	{Code: "economic-vulnerability", Label: "Economic vulnerability"},
	{Code: "homelessness", Label: "Homelessness or insecure accommodation"},
	{Code: "gang-connections", Label: "Connections with people involved in gangs or crime"},
	{Code: "disability", Label: "Physical or learning difficulty or disability"},
	{Code: "mental-health-substance", Label: "Mental health or substance misuse issues"},
	{Code: "parental-mental-health-substance", Label: "Parents with mental health or substance misuse issues"},
	{Code: "excluded-from-education", Label: "Excluded from mainstream education"},
	{Code: "high-risk-origin", Label: "From an area of poverty, war, persecution or conflict"},
}

// PreferredTerms are the words a child may choose for themselves; records use the child's own.
var PreferredTerms = []Code{
	{Code: "victim", Label: "victim"},
	{Code: "survivor", Label: "survivor"},
}

func knownCode(list []Code, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}

// LabelOf returns the label of code in list, or the code itself when it is unknown.
func LabelOf(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}
