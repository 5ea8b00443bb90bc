using System.Text;
using NetKit.Cli.Commands;

namespace NetKit.Tests.Http;

public sealed class HttpJsonOutputTests
{
    [Fact]
    public void PrettyJson_indentsTwoSpaces()
    {
        var text = HttpOutput.PrettyJson("""{"a":[1,"x",true],"b":{},"c":null}"""u8, color: false);
        Assert.Equal("{\n  \"a\": [\n    1,\n    \"x\",\n    true\n  ],\n  \"b\": {},\n  \"c\": null\n}", text);
    }

    [Fact]
    public void PrettyJson_coloured_keysAndValuesWrappedInAnsi()
    {
        var text = HttpOutput.PrettyJson("""{"k":"v","n":2}"""u8, color: true)!;
        Assert.Contains("\e[34;1m\"k\"\e[0m: \e[32m\"v\"\e[0m", text, StringComparison.Ordinal);
        Assert.Contains("\e[36m2\e[0m", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PrettyJson_notJson_null() => Assert.Null(HttpOutput.PrettyJson(Encoding.UTF8.GetBytes("{nope"), color: true));
}
