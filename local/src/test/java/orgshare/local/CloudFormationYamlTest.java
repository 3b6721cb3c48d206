package orgshare.local;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The short-form tags read as their long forms, nested ones included; an unknown tag does not stop the reading. */
class CloudFormationYamlTest {
    @Test
    void shortFormsBecomeLongForms() {
        Map<String, Object> doc = CloudFormationYaml.parse("""
                ref: !Ref Table
                dotted: !GetAtt AuthorizerFunction.Arn
                nested: !GetAtt Db.Endpoint.Address
                listed: !GetAtt [Table, StreamArn]
                sub: !Sub 'arn:${AWS::Partition}:x:${Table.Arn}'
                join: !Join [',', [a, !Ref B]]
                if: !If [IsProd, 1, !Ref 'AWS::NoValue']
                equals: !Equals [!Ref Stage, prod]
                not: !Not [!Condition IsProd]
                and: !And [!Condition A, !Condition B]
                or: !Or [!Condition A, !Condition B]
                select: !Select [0, !GetAZs '']
                split: !Split [',', 'a,b']
                map: !FindInMap [Regions, !Ref 'AWS::Region', Ami]
                import: !ImportValue shared-vpc
                base64: !Base64 hello
                """);
        assertEquals(Map.of("Ref", "Table"), doc.get("ref"));
        assertEquals(Map.of("Fn::GetAtt", List.of("AuthorizerFunction", "Arn")), doc.get("dotted"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Db", "Endpoint.Address")), doc.get("nested"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Table", "StreamArn")), doc.get("listed"));
        assertEquals(Map.of("Fn::Sub", "arn:${AWS::Partition}:x:${Table.Arn}"), doc.get("sub"));
        assertEquals(Map.of("Fn::Join", List.of(",", List.of("a", Map.of("Ref", "B")))), doc.get("join"));
        assertEquals(Map.of("Fn::If", List.of("IsProd", 1, Map.of("Ref", "AWS::NoValue"))), doc.get("if"));
        assertEquals(Map.of("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")), doc.get("equals"));
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Condition", "IsProd"))), doc.get("not"));
        assertEquals(Map.of("Fn::And", List.of(Map.of("Condition", "A"), Map.of("Condition", "B"))), doc.get("and"));
        assertEquals(Map.of("Fn::Or", List.of(Map.of("Condition", "A"), Map.of("Condition", "B"))), doc.get("or"));
        assertEquals(Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", ""))), doc.get("select"));
        assertEquals(Map.of("Fn::Split", List.of(",", "a,b")), doc.get("split"));
        assertEquals(Map.of("Fn::FindInMap", List.of("Regions", Map.of("Ref", "AWS::Region"), "Ami")), doc.get("map"));
        assertEquals(Map.of("Fn::ImportValue", "shared-vpc"), doc.get("import"));
        assertEquals(Map.of("Fn::Base64", "hello"), doc.get("base64"));
    }

    @Test
    void anUnknownTagIsKeptAsAnIntrinsicOfItsName() {
        Map<String, Object> doc = CloudFormationYaml.parse("""
                future: !SomeNewFunction [x, !Ref Y]
                scalar: !Other value
                """);
        assertEquals(Map.of("Fn::SomeNewFunction", List.of("x", Map.of("Ref", "Y"))), doc.get("future"));
        assertEquals(Map.of("Fn::Other", "value"), doc.get("scalar"));
    }

    @Test
    void scalarsReadAsCloudFormationReadsThem() {
        Map<String, Object> doc = CloudFormationYaml.parse("""
                version: '2010-09-09'
                number: 30
                flag: True
                text: plain words
                """);
        assertEquals("2010-09-09", doc.get("version"));
        assertEquals(30, doc.get("number"));
        assertEquals(true, doc.get("flag"));
        assertEquals("plain words", doc.get("text"));
    }
}
