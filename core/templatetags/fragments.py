"""``{% fragment "name" part … %}…{% endfragment %}``: a piece of a page rendered once per content
generation (core.pagecache) and then read from the cache, by every page that shows it.
``{% list_fragment "name" part … %}…{% endlist_fragment %}`` is kept under the list generation
instead, for what only lists show (the sidebar's newest posts, archive, categories and tags: a
vote or a profile change leaves it). ``{% stored_fragment key %}…{% endstored_fragment %}``
stores a piece under a key its view made from the versions of what it shows
(``core.pagecache.versioned_key``: a post's card on the home, tag, category and author pages;
the post page's rating widget, JSON-LD and sections after the body). None may hold anything
personal (a CSRF token, a message, a reader's vote): the same copy is shown to everyone."""

from django import template
from django.core.cache import cache

from core.pagecache import fragment_key, lists_key

register = template.Library()

# Fragments outlive no content change (their keys hold the generation); this only bounds how
# long an unread one occupies the cache.
FRAGMENT_SECONDS = 3600


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts, *, keyed=False, make_key=fragment_key):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.keyed = keyed
        self.make_key = make_key

    def render(self, context):
        if self.keyed:
            key = self.name.resolve(context)
        else:
            key = self.make_key(
                self.name.resolve(context), *(p.resolve(context) for p in self.parts)
            )
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, FRAGMENT_SECONDS)
        return html


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


@register.tag
def list_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% list_fragment %} needs a name.")
    nodelist = parser.parse(("endlist_fragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(b) for b in bits[2:]],
        make_key=lists_key,
    )


@register.tag
def stored_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% stored_fragment %} needs one key.")
    nodelist = parser.parse(("endstored_fragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), [], keyed=True)
