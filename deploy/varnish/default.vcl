vcl 4.1;
# The edge cache in front of the proxy: TLS terminator -> Varnish -> nginx -> gunicorn.
#
# Reader pages say how long an edge may keep them (Cache-Control s-maxage) and what they
# show (Surrogate-Key): an edit purges exactly the pages carrying its keys, sent by the
# app's purge task as PURGE with an xkey-purge header (pagecache.purge.VarnishPurge).
# A kept page is answered here and never reaches Python.
#
# The compose stack's backend is the proxy service; tests/drills/test_edge.py runs this
# file with this machine's varnishd in front of its own nginx (it replaces the backend and
# the purgers' networks below).

import std;
import xkey;

backend default {
    .host = "proxy";
    .port = "80";
}

# Who may purge: the app's containers (the compose stack's network) and this machine.
acl purgers {
    "localhost";
    "172.28.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in an xkey-purge header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The appeals' weights: one small document every reader shares (it varies only by the
    # country header), cached for its minute; it reads no cookie and no parameter.
    if (req.url ~ "^/support/appeals/weights\.json(\?|$)") {
        unset req.http.Cookie;
        set req.url = regsub(req.url, "\?.*$", "");
        return (hash);
    }
    # Editors (a session) and readers who gave or snoozed the appeal get their own pages.
    if (req.url ~ "^/(admin|support)/" || req.http.Cookie ~ "(^|;\s*)(sessionid|appeal_state)=") {
        return (pass);
    }
    unset req.http.Cookie;
    # Only the parameters a page reads are part of what is kept (the app's @reader_page
    # lists): lists read page, search reads q and page, a sitemap month reads part, and
    # every other page none. Anything else (utm_source, a cache-buster) is dropped here.
    if (req.url ~ "\?") {
        if (req.url ~ "^/search/\?") {
            set req.url = regsuball(req.url, "([?&])(?!(q|page)=)[^&]*", "\1");
        } elsif (req.url ~ "^/sitemaps/articles-[0-9]{4}-[0-9]{2}\.xml\?") {
            set req.url = regsuball(req.url, "([?&])(?!part=)[^&]*", "\1");
        } elsif (req.url ~ "^/((section|tag|author)/[^/?]+/)?\?") {
            set req.url = regsuball(req.url, "([?&])(?!page=)[^&]*", "\1");
        } else {
            set req.url = regsub(req.url, "\?.*$", "");
        }
        set req.url = regsuball(req.url, "&{2,}", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
        set req.url = std.querysort(req.url);
    }
    return (hash);
}

sub vcl_hash {
    # A page over TLS and one over plain http are two answers (the latter a redirect).
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    # The keys the app names a page by are the keys it is purged by.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
