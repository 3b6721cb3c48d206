package orgshare.local;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Intrinsic functions resolve to the local stand-ins: parameters, the local table, fake ARNs, conditions. */
class TemplateValuesTest {
    private final TemplateValues values = new TemplateValues(
            Map.of("Stage", "prod", "Hash", "abc"),
            Map.of("Table", "AWS::DynamoDB::Table", "Fn", "AWS::Serverless::Function", "Api", "AWS::Serverless::HttpApi"),
            Map.of("IsProd", Map.of("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")),
                    "IsDev", Map.of("Fn::Not", List.of(Map.of("Condition", "IsProd")))),
            Map.of("Sizes", Map.of("prod", Map.of("Memory", 2048))),
            "local-table");

    private Object resolve(String yaml) {
        return values.resolve(CloudFormationYaml.parse("v: " + yaml).get("v"));
    }

    @Test
    void refsResolveToParametersTheLocalTableAndPseudoParameters() {
        assertEquals("abc", resolve("!Ref Hash"));
        assertEquals("local-table", resolve("!Ref Table"));
        assertEquals("Fn", resolve("!Ref Fn"));
        assertEquals("us-east-1", resolve("!Ref AWS::Region"));
        assertThrows(LocalRunnerException.class, () -> resolve("!Ref Nothing"));
    }

    @Test
    void arnsAreFakeButWellFormed() {
        assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/local-table", resolve("!GetAtt Table.Arn"));
        assertEquals("arn:aws:lambda:us-east-1:123456789012:function:Fn", resolve("!GetAtt Fn.Arn"));
        assertThrows(LocalRunnerException.class, () -> resolve("!GetAtt Table.StreamArn"));
    }

    @Test
    void subReplacesNamesAttributesAndVariables() {
        assertEquals("/aws/lambda/Fn", resolve("!Sub /aws/lambda/${Fn}"));
        assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/local-table/index/gsi1",
                resolve("!Sub ${Table.Arn}/index/gsi1"));
        assertEquals("https://Api.execute-api.us-east-1.amazonaws.com", resolve("!Sub https://${Api}.execute-api.${AWS::Region}.amazonaws.com"));
        assertEquals("x-1-${literal}", resolve("!Sub ['x-${n}-${!literal}', {n: 1}]"));
    }

    @Test
    void conditionsAndTheOtherFunctionsEvaluate() {
        assertEquals(2048, resolve("!If [IsProd, !FindInMap [Sizes, !Ref Stage, Memory], 128]"));
        assertNull(resolve("!If [IsDev, 1, !Ref AWS::NoValue]"));
        assertEquals(List.of("a"), resolve("[a, !If [IsDev, b, !Ref AWS::NoValue]]"));
        assertEquals("a,abc", resolve("!Join [',', [a, !Ref Hash]]"));
        assertEquals("b", resolve("!Select [1, !Split [',', 'a,b,c']]"));
        assertEquals("aGk=", resolve("!Base64 hi"));
        assertEquals(true, resolve("!Or [!Condition IsDev, !Equals [1, 1]]"));
        assertThrows(LocalRunnerException.class, () -> resolve("!ImportValue other-stack-export"));
        assertThrows(LocalRunnerException.class, () -> resolve("!SomeNewFunction x"));
    }
}
