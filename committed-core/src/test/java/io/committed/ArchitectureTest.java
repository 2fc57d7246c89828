package io.committed;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The public API stays free of implementation and third-party types (STYLE.md, guideline 1). */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.committed");

  private static final Set<String> PUBLIC_PACKAGES =
      Set.of("io.committed", "io.committed.api", "io.committed.spi", "io.committed.engine");

  private static boolean allowedInSignature(JavaClass type) {
    String p = type.getPackageName();
    return type.isPrimitive() || type.isArray() && allowedInSignature(type.getBaseComponentType())
        || p.startsWith("java.") || PUBLIC_PACKAGES.contains(p);
  }

  private static final ArchCondition<JavaClass> EXPOSE_ONLY_PUBLIC_TYPES =
      new ArchCondition<>("expose only JDK and Committed public API types in public signatures") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          List<String> problems = new ArrayList<>();
          for (JavaCodeUnit m : c.getCodeUnits()) {
            if (!m.getModifiers().contains(JavaModifier.PUBLIC) && !m.getModifiers().contains(JavaModifier.PROTECTED)) {
              continue;
            }
            List<JavaType> types = new ArrayList<>(m.getParameterTypes());
            types.add(m.getReturnType());
            for (JavaType t : types) {
              for (JavaClass raw : t.getAllInvolvedRawTypes()) {
                if (!allowedInSignature(raw)) {
                  problems.add(m.getFullName() + " uses " + raw.getName());
                }
              }
            }
          }
          for (JavaField f : c.getFields()) {
            if (f.getModifiers().contains(JavaModifier.PUBLIC)) {
              for (JavaClass raw : f.getType().getAllInvolvedRawTypes()) {
                if (!allowedInSignature(raw)) {
                  problems.add(f.getFullName() + " uses " + raw.getName());
                }
              }
            }
          }
          problems.forEach(p -> events.add(SimpleConditionEvent.violated(c, p)));
        }
      };

  @Test
  void publicApiSignaturesUseNoInternalOrThirdPartyTypes() {
    classes().that().resideInAnyPackage(PUBLIC_PACKAGES.toArray(String[]::new)).and().arePublic()
        .should(EXPOSE_ONLY_PUBLIC_TYPES).check(CLASSES);
  }

  private static final ArchCondition<JavaClass> THROW_NOTHING_CHECKED =
      new ArchCondition<>("declare no checked exceptions on public methods") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          for (JavaCodeUnit m : c.getCodeUnits()) {
            if (!m.getModifiers().contains(JavaModifier.PUBLIC)) {
              continue;
            }
            m.getThrowsClause().getTypes().stream()
                .filter(t -> !t.isAssignableTo(RuntimeException.class) && !t.isAssignableTo(Error.class))
                .forEach(t -> events.add(SimpleConditionEvent.violated(c, m.getFullName() + " throws " + t.getName())));
          }
        }
      };

  /** What applications call throws unchecked exceptions only (SPIs that users implement may declare more). */
  @Test
  void theFacadeThrowsNothingChecked() {
    classes().that().resideInAnyPackage("io.committed", "io.committed.api").and().arePublic()
        .should(THROW_NOTHING_CHECKED).check(CLASSES);
  }

  /** STYLE.md guideline 6: an optional capability is an interface of its own, not a default method that throws. */
  @Test
  void noPublicTypeThrowsUnsupportedOperation() {
    noClasses().that().resideInAnyPackage(PUBLIC_PACKAGES.toArray(String[]::new))
        .should().callConstructor(UnsupportedOperationException.class)
        .orShould().callConstructor(UnsupportedOperationException.class, String.class)
        .check(CLASSES);
  }

  @Test
  void apiAndSpiDependOnlyOnTheJdk() {
    classes().that().resideInAnyPackage("io.committed.api", "io.committed.spi")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.committed.api", "io.committed.spi")
        .check(CLASSES);
  }

  @Test
  void publicPackagesDoNotDependOnThirdPartyLibraries() {
    noClasses().that().resideInAnyPackage(PUBLIC_PACKAGES.toArray(String[]::new))
        .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml..", "com.networknt..", "net.thisptr..")
        .check(CLASSES);
  }
}
