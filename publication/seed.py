"""What a new site starts with: the publication the seeded appeals speak for, and its pages.

Editors change all of it in the admin (Publication → Publication, Pages).
"""

NAME = "The Moscow Times"
TAGLINE = "Independent news from Russia"

# Also added, by a migration of the readers app, to a privacy page made before the account.
READER_SESSION_PRIVACY = """<li><code>reader_session</code>: set when you use a sign-in link we
emailed you, to see and change your gift in your account. It keeps you signed in for an hour, and
holds only which account you signed in to.</li>
"""

# Also added, by a migration of the newsletters app, to a privacy page made before them.
NEWSLETTERS_PRIVACY = """
<h2>Newsletters</h2>
<p>If you sign up for a newsletter, we keep your email address, the newsletters you chose, when
you signed up, confirmed or left, and whether each edition was sent to you, bounced or was
reported as spam. We send nothing until you confirm from the email we send you. We do not know
whether you open an edition or what you click: our newsletters carry no images and no tracking
links. Every edition has a link to unsubscribe in one click.</p>
"""

PRIVACY = """
<p>We ask for as little as we can, keep it only as long as we need it, and sell nothing.</p>
<h2>Reading</h2>
<p>Reading our pages stores nothing about you: a plain page view sets no cookie, we run no
analytics and no advertising, and our pages load nothing from any other site.</p>
<h2>Cookies we set</h2>
<ul>
<li><code>appeal_state</code>: set on the thank-you page after a gift, or after you press
"Remind me later". It hides our appeals for 30 days, or until the date you chose. It is signed,
and holds only that choice.</li>
<li><code>support_hint</code>: set on the thank-you page after a gift. It holds only the kind
of gift (monthly, annual or one-time) and the day it is paid through, so our appeals can thank
you instead of asking again. It names no one and is never used to count you.</li>
<li><code>csrftoken</code>: set on a page with a form (the support form, the reminder form).
It protects those forms from forged submissions.</li>
<li><code>sessionid</code>: set only when a member of staff logs in to edit the site.</li>
{reader_session}</ul>
<h2>Stored in your browser only</h2>
<p>Your browser keeps these in its local storage, and they are never sent to us:</p>
<ul>
<li><code>appeal-banner-views</code> and <code>appeal-banner-closed</code>: how many times it
has shown you our top banner, and when you pressed "Not now".</li>
<li><code>appeal-reads</code>: the times you opened a story in the last 30 days, so an appeal
can suit how much you read.</li>
<li><code>appeal-views</code>: when each of our appeals was shown to you, so none is shown too
often.</li>
<li><code>appeal-referrer</code> (session storage, gone when you close the tab): whether this
visit came from a search, social media, a newsletter or elsewhere.</li>
</ul>
<p>To learn which appeal works best we count, without any cookie, a sample of the times each
appeal is shown and every time one is clicked, as totals per appeal and story. We never
store who saw or clicked it, nor your IP address.</p>
<h2>When you support us</h2>
<p>Payments are handled by Stripe; we never see or store your card number. We keep the amount,
how often you give, the date, the story you came from and, if you give it, your email
address, to send your receipts and let you change or cancel your gift.</p>
<h2>Reminders</h2>
<p>If you ask us to remind you later, we keep your email address and the date you chose,
send that one email and nothing else. Every reminder email has a link to cancel it.</p>
{newsletters}<h2>Your data</h2>
<p>Write to us and we will send you everything we hold about your email address, or erase it.</p>
""".format(reader_session=READER_SESSION_PRIVACY, newsletters=NEWSLETTERS_PRIVACY.lstrip("\n"))

ABOUT = """
<p>The Moscow Times is an independent news source on Russia, for over 30 years. Since July 1,
2024 we carry no advertising: our readers keep us going.</p>
<p>Our journalism is banned in Russia. We need your help to keep providing you with the truth.</p>
"""

CONTACT = """
<p>News tips, corrections and questions about your gift: write to the editors at the address
below. We read everything; we cannot answer every message.</p>
"""

TERMS = """
<p>Everything on this site is published by The Moscow Times. You may link to and quote our
articles with credit; republishing them whole needs our permission.</p>
<p>Gifts are processed by Stripe. A monthly or annual gift renews until you cancel it, which you
can do at any time from the link in your receipt.</p>
"""

PAGES = [
    ("About us", "about", ABOUT, 1),
    ("Contact", "contact", CONTACT, 2),
    ("Privacy", "privacy", PRIVACY, 3),
    ("Terms", "terms", TERMS, 4),
]
