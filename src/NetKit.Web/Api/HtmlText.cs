using System.Text;
using MimeKit.Text;

namespace NetKit.Web.Api;

/// <summary>
/// An HTML part as plain text, for messages with no plain part: the text of the document
/// (entities decoded by MimeKit's tokenizer), a line break for each block, no script or style.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr", "section", "article",
    };

    public static string Convert(string html)
    {
        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var hidden = 0; // Inside <script>, <style>, <head>: nothing there is text.
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head:
                    hidden = Math.Max(0, hidden + (tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1));
                    break;
                case HtmlTagToken tag when Blocks.Contains(tag.Name):
                    while (text.Length > 0 && text[^1] == ' ')
                    {
                        text.Length--;
                    }

                    if (text.Length > 0 && text[^1] != '\n')
                    {
                        text.Append('\n');
                    }

                    break;
                case HtmlDataToken data when hidden == 0:
                    AppendCollapsed(text, data.Data);
                    break;
            }
        }

        return text.ToString().Trim();
    }

    /// <summary>HTML's own rule: a run of white space is one space (line breaks come from the blocks).</summary>
    private static void AppendCollapsed(StringBuilder text, string data)
    {
        foreach (var c in data)
        {
            if (!char.IsWhiteSpace(c))
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] is not (' ' or '\n'))
            {
                text.Append(' ');
            }
        }
    }
}
