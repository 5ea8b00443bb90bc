using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace NetKit.Web.Api;

/// <summary>RFC 7807 problem+json answers, one line each at the call sites.</summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not Found");

    public static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad Request");

    public static ProblemHttpResult Timeout(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status408RequestTimeout, title: "Request Timeout");

    public static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Unavailable(string what) => TypedResults.Problem($"this run of netkit serve has no {what}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable");
}
