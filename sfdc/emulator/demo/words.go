package demo

// Word lists for believable names. Functions, not variables, so nothing
// shared is mutable.

func companyStems() []string {
	return []string{"Acme", "Apex", "Bluepeak", "Brightwater", "Cedar", "Cobalt", "Crescent", "Evergreen",
		"Falcon", "Granite", "Harbor", "Ironwood", "Juniper", "Keystone", "Lakeside", "Lumen", "Maple",
		"Meridian", "Northwind", "Oakridge", "Orion", "Pacific", "Pinnacle", "Prairie", "Quantum", "Redwood",
		"Riverside", "Sierra", "Silverline", "Summit", "Sunrise", "Tidewater", "Trailhead", "Vantage",
		"Vertex", "Westbrook", "Willow", "Zenith", "Alder", "Beacon", "Canyon", "Delta", "Ember", "Foxglove",
		"Glacier", "Horizon", "Indigo", "Kestrel", "Lighthouse", "Monarch"}
}

func companyNouns() []string {
	return []string{"Logistics", "Health", "Foods", "Analytics", "Software", "Systems", "Manufacturing",
		"Energy", "Capital", "Media", "Robotics", "Biotech", "Networks", "Outfitters", "Partners",
		"Construction", "Hospitality", "Insurance", "Freight", "Labs", "Dynamics", "Materials", "Retail",
		"Telecom", "Foods & Beverage", "Medical", "Solar", "Consulting", "Aerospace", "Textiles"}
}

func companySuffixes() []string {
	return []string{"Inc.", "LLC", "Group", "Corp.", "Ltd", "Co.", "Holdings", "", "", ""}
}

func firstNames() []string {
	return []string{"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas",
		"Mia", "Mateo", "Amelia", "Benjamin", "Harper", "Henry", "Evelyn", "Alexander", "Priya", "Arjun",
		"Mei", "Wei", "Yuki", "Hiroshi", "Fatima", "Omar", "Chloe", "Daniel", "Grace", "Samuel", "Zoe",
		"Gabriel", "Hannah", "Diego", "Lucia", "Sven", "Ingrid", "Aisha", "Kwame", "Nadia", "Tomás", "Elena",
		"Marcus", "Rachel", "Owen", "Leah", "Connor", "Siobhan", "Raj", "Anika"}
}

func lastNames() []string {
	return []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
		"Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
		"Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
		"Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill", "Flores",
		"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Patel",
		"Kim", "Chen", "Tanaka", "Müller", "Schmidt", "Dubois", "O'Connor", "O'Neill", "D'Souza", "Kowalski", "Okafor"}
}

func titles() []string {
	return []string{"CEO", "CFO", "CTO", "COO", "VP of Sales", "VP of Operations", "VP of Engineering",
		"Director of IT", "Director of Procurement", "Head of Finance", "IT Manager", "Operations Manager",
		"Procurement Manager", "Product Manager", "Engineering Manager", "Controller", "Sales Manager",
		"Marketing Director", "Business Analyst", "Solutions Architect"}
}

func departments() []string {
	return []string{"Executive", "Finance", "IT", "Operations", "Procurement", "Engineering", "Sales", "Marketing"}
}

// place is a billing location and its region.
type place struct {
	City, State, Country, Region, Phone string
}

func places() []place {
	return []place{
		{"San Francisco", "CA", "United States", "North America", "415"},
		{"Los Angeles", "CA", "United States", "North America", "213"},
		{"Seattle", "WA", "United States", "North America", "206"},
		{"Portland", "OR", "United States", "North America", "503"},
		{"Denver", "CO", "United States", "North America", "303"},
		{"Austin", "TX", "United States", "North America", "512"},
		{"Dallas", "TX", "United States", "North America", "214"},
		{"Chicago", "IL", "United States", "North America", "312"},
		{"Minneapolis", "MN", "United States", "North America", "612"},
		{"Atlanta", "GA", "United States", "North America", "404"},
		{"Miami", "FL", "United States", "North America", "305"},
		{"Boston", "MA", "United States", "North America", "617"},
		{"New York", "NY", "United States", "North America", "212"},
		{"Philadelphia", "PA", "United States", "North America", "215"},
		{"Raleigh", "NC", "United States", "North America", "919"},
		{"Toronto", "ON", "Canada", "North America", "416"},
		{"Vancouver", "BC", "Canada", "North America", "604"},
		{"London", "", "United Kingdom", "EMEA", "20"},
		{"Manchester", "", "United Kingdom", "EMEA", "161"},
		{"Dublin", "", "Ireland", "EMEA", "1"},
		{"Berlin", "", "Germany", "EMEA", "30"},
		{"Munich", "", "Germany", "EMEA", "89"},
		{"Paris", "", "France", "EMEA", "1"},
		{"Amsterdam", "", "Netherlands", "EMEA", "20"},
		{"Stockholm", "", "Sweden", "EMEA", "8"},
		{"Sydney", "NSW", "Australia", "APAC", "2"},
		{"Melbourne", "VIC", "Australia", "APAC", "3"},
		{"Singapore", "", "Singapore", "APAC", "6"},
		{"Tokyo", "", "Japan", "APAC", "3"},
		{"Bengaluru", "KA", "India", "APAC", "80"},
		{"São Paulo", "SP", "Brazil", "LATAM", "11"},
		{"Mexico City", "CDMX", "Mexico", "LATAM", "55"},
		{"Bogotá", "", "Colombia", "LATAM", "1"},
	}
}

func streets() []string {
	return []string{"Market St", "Main St", "Oak Ave", "Pine St", "Harbor Blvd", "Industrial Pkwy", "Park Ave",
		"Cedar Ln", "Commerce Dr", "Lake Shore Dr", "Innovation Way", "High St", "King St", "Elm St"}
}

func products() []string {
	return []string{"Platform", "Analytics Add-on", "Premier Support", "Data Cloud", "Field Service",
		"Integration Suite", "Security Pack", "Training Package", "Implementation Services", "Mobile Seats"}
}

func nextSteps() []string {
	return []string{"Send revised proposal", "Schedule demo with IT", "Confirm budget with CFO",
		"Security review call", "Legal redlines", "Executive sponsor meeting", "Pricing approval",
		"Follow up after trial", "Collect requirements", "Book onsite workshop"}
}

func taskTopics() []string {
	return []string{"Follow up on proposal", "Check in on trial", "Send pricing", "Discovery call",
		"Confirm next steps", "Share case study", "Schedule demo", "Intro call", "Renewal check-in",
		"Send contract", "Reference call", "Review security questionnaire"}
}

func callDispositions() []string {
	return []string{"Connected - interested", "Connected - not now", "Left voicemail", "No answer",
		"Gatekeeper", "Meeting booked"}
}

func meetingTopics() []string {
	return []string{"Demo", "Discovery meeting", "Quarterly business review", "Onsite workshop",
		"Executive briefing", "Pricing discussion", "Technical deep dive", "Kickoff", "Lunch"}
}

// wordLists holds the lists once per generator, so hot loops do not
// rebuild them.
type wordLists struct {
	stems, nouns, suffixes, first, last, titles, depts, streets, products, nextSteps  []string
	taskTopics, dispositions, meetings, leadSources, salutations, ratings, industries []string
	openStatuses, locations                                                           []string
	places                                                                            []place
}

func newWordLists() wordLists {
	return wordLists{
		stems: companyStems(), nouns: companyNouns(), suffixes: companySuffixes(), first: firstNames(),
		last: lastNames(), titles: titles(), depts: departments(), streets: streets(), products: products(),
		nextSteps: nextSteps(), taskTopics: taskTopics(), dispositions: callDispositions(), meetings: meetingTopics(),
		leadSources: LeadSources(), salutations: Salutations(), ratings: Ratings(), industries: Industries(),
		places: places(), openStatuses: []string{"In Progress", "Waiting on someone else", "Deferred", "Not Started"},
		locations: []string{"Zoom", "Google Meet", "Microsoft Teams", "Customer office", "Our office", "Phone"},
	}
}
