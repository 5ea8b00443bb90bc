using System.Text;
using System.Text.Json;

namespace NetKit.Cli.Commands;

/// <summary>JSON indented by two spaces, keys and each kind of value in its own ANSI colour (as jq and HTTPie show it).</summary>
internal static class HttpJsonColorizer
{
    private const string Reset = "\e[0m";
    private const string Key = "\e[34;1m";
    private const string String = "\e[32m";
    private const string Number = "\e[36m";
    private const string Literal = "\e[35m";

    public static void Write(StringBuilder sb, JsonElement element, int depth, bool color)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteContainer(sb, '{', '}', element.EnumerateObject().ToList(), depth, (property, d) =>
                {
                    Paint(sb, Key, JsonSerializer.Serialize(property.Name), color);
                    sb.Append(": ");
                    Write(sb, property.Value, d, color);
                });
                break;
            case JsonValueKind.Array:
                WriteContainer(sb, '[', ']', element.EnumerateArray().ToList(), depth, (item, d) => Write(sb, item, d, color));
                break;
            case JsonValueKind.String:
                Paint(sb, String, element.GetRawText(), color);
                break;
            case JsonValueKind.Number:
                Paint(sb, Number, element.GetRawText(), color);
                break;
            default:
                Paint(sb, Literal, element.GetRawText(), color);
                break;
        }
    }

    private static void WriteContainer<T>(StringBuilder sb, char open, char close, List<T> items, int depth, Action<T, int> writeItem)
    {
        sb.Append(open);
        if (items.Count == 0)
        {
            sb.Append(close);
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            sb.Append('\n').Append(' ', (depth + 1) * 2);
            writeItem(items[i], depth + 1);
            if (i < items.Count - 1)
            {
                sb.Append(',');
            }
        }

        sb.Append('\n').Append(' ', depth * 2).Append(close);
    }

    private static void Paint(StringBuilder sb, string colour, string text, bool color)
    {
        if (color)
        {
            sb.Append(colour).Append(text).Append(Reset);
        }
        else
        {
            sb.Append(text);
        }
    }
}
